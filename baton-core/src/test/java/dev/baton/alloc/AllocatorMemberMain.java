package dev.baton.alloc;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A member process for the allocator's multi-process tests: it runs an {@link Allocator}
 * (campaigning under its member id) and an {@link AllocatorMember} that reports "ready" for each
 * new assignment after a warm-up. SIGTERM makes it exit gracefully.
 *
 * <p>Arguments: endpoint namespace member-id zone capacity. System properties:
 * {@code alloc.warmup} (ms before a new replica reports ready, default 200), {@code alloc.fixed}
 * (how many fixed items {@code fixed-N} with 2 replicas it creates, default 0),
 * {@code alloc.ttl} (session TTL in seconds, default 5).
 *
 * <p>Prints {@code joined <id>} once it is a member and {@code exited <id> drained=<bool>} after a
 * graceful exit.
 */
public final class AllocatorMemberMain {

    private AllocatorMemberMain() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String namespace = args[1];
        String id = args[2];
        String zone = args[3];
        int capacity = Integer.parseInt(args[4]);
        long warmupMillis = Long.getLong("alloc.warmup", 200);
        int fixed = Integer.getInteger("alloc.fixed", 0);
        List<Item> fixedItems = new ArrayList<>();
        for (int i = 0; i < fixed; i++) {
            fixedItems.add(new Item("fixed-" + i, 2));
        }
        ScheduledExecutorService warmups = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "warmup-" + id);
            thread.setDaemon(true);
            return thread;
        });

        Etcd etcd = Etcd.builder().endpoints(endpoint).build();
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(Integer.getInteger("alloc.ttl", 5))).open();
        Allocator allocator = Allocator.builder(session, namespace)
                .readiness(ReadinessCheck.statusEquals("ready"))
                .fixedItems(fixedItems)
                .name(id)
                .start();
        AllocatorMember[] member = new AllocatorMember[1];
        member[0] = AllocatorMember.builder(session, namespace, id).zone(zone).capacity(capacity)
                .listener(route -> route.self().filter(self -> self.status().isEmpty()).ifPresent(self ->
                        warmups.schedule(() -> member[0].writeStatus(route.item(), self.token(), "ready"),
                                warmupMillis, TimeUnit.MILLISECONDS)))
                .start();
        System.out.println("joined " + id);

        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                boolean drained = member[0].exit(Duration.ofSeconds(90));
                System.out.println("exited " + id + " drained=" + drained);
                allocator.close();
                session.close();
                etcd.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        }, "exit-" + id));
        done.await();
    }
}
