package dev.baton.chaos.workload;

import dev.baton.alloc.Allocator;
import dev.baton.alloc.AllocatorMember;
import dev.baton.alloc.Item;
import dev.baton.alloc.ItemRoute;
import dev.baton.alloc.RouteEntry;
import dev.baton.cache.CacheEvent;
import dev.baton.cache.KeyspaceCache;
import dev.baton.cache.ValueDecoder;
import dev.baton.chaos.ChaosLogging;
import dev.baton.chaos.history.LedgerEntry;
import dev.baton.election.LeaderService;
import dev.baton.election.Leadership;
import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.tasks.RetentionPolicy;
import dev.baton.tasks.RetryPolicy;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskRetention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One worker process of a chaos run, started by the controller in its own JVM and killed,
 * paused, cut off or terminated by it. Arguments: member id, zone, comma-separated store
 * endpoints, session TTL in seconds, cache log file.
 *
 * <p>Prints {@code ready <member>} once it has joined everything. Its leaders (the ledger's and
 * retention's, which removes done records a minute old) stop writing once
 * it sees {@link #QUIESCE_KEY}; once it sees {@link #REPORT_KEY} and its cache has settled, it
 * writes the cache's contents next to the cache log and prints {@code reported <revision>}. On
 * SIGTERM it leaves gracefully: drains its assignments, releases its tasks, resigns, revokes.
 */
public final class ChaosWorker {

    /** The namespace of the run: tasks, allocator, election, ledger and control keys. */
    public static final String NAMESPACE = "chaos/";
    /** The election whose leader appends to the ledger. */
    public static final String ELECTION = NAMESPACE + "leader";
    /** Written by the controller when the run is over: leaders stop writing. */
    public static final String QUIESCE_KEY = NAMESPACE + "control/quiesce";
    /** Written by the controller once the store has been still for a while: caches report. */
    public static final String REPORT_KEY = NAMESPACE + "control/report";
    /** The allocator's items: 6 items of 2 replicas, 12 replicas over 3 members of capacity 6. */
    public static final List<Item> ITEMS = List.of(new Item("i0", 2), new Item("i1", 2), new Item("i2", 2),
            new Item("i3", 2), new Item("i4", 2), new Item("i5", 2));
    public static final int CAPACITY = 6;
    private static final Duration LEADER_PERIOD = Duration.ofMillis(200);
    private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(60);
    /** The election whose leader removes done records older than {@link #DONE_RETENTION}. */
    private static final String RETENTION_ELECTION = NAMESPACE + "retention";
    /**
     * How long a finished task's done record stays: long enough that the controller's submit
     * retries, which end within seconds of an outage, find it (and do not submit the task again).
     */
    private static final Duration DONE_RETENTION = Duration.ofSeconds(60);

    private ChaosWorker() {
    }

    public static void main(String[] args) throws Exception {
        ChaosLogging.configure();
        if (args.length != 5) {
            throw new IllegalArgumentException("expected: member zone endpoints ttl-seconds cache-log, got "
                    + Arrays.toString(args));
        }
        String member = args[0];
        String zone = args[1];
        List<String> endpoints = List.of(args[2].split(","));
        Duration ttl = Duration.ofSeconds(Long.parseLong(args[3]));
        CacheLog log = new CacheLog(Path.of(args[4]));

        Etcd etcd = Etcd.builder().endpoints(endpoints).requestTimeout(Duration.ofSeconds(2)).build();
        Session session = Session.builder(etcd).ttl(ttl).openTimeout(Duration.ofSeconds(60)).open();
        Ledger ledger = new Ledger(etcd, member);
        CountDownLatch quiesced = new CountDownLatch(1);
        CountDownLatch reportWanted = new CountDownLatch(1);
        KeyspaceCache<String> cache = KeyspaceCache.builder(etcd, NAMESPACE, ValueDecoder.utf8())
                .listener(event -> {
                    log.onEvent(event);
                    if (QUIESCE_KEY.equals(event.key()) && event.kind() == CacheEvent.Kind.ADDED) {
                        quiesced.countDown();
                    }
                    if (REPORT_KEY.equals(event.key()) && event.kind() == CacheEvent.Kind.ADDED) {
                        reportWanted.countDown();
                    }
                })
                .startTimeout(Duration.ofSeconds(60))
                .start();
        TaskMember tasks = TaskMember.builder(session, member)
                .namespace(NAMESPACE)
                .handler(new LedgerTaskHandler(ledger))
                .retryPolicy(RetryPolicy.builder().maxAttempts(1000).initialBackoff(Duration.ofMillis(200))
                        .maxBackoff(Duration.ofSeconds(1)).build())
                .joinTimeout(Duration.ofSeconds(60))
                .start();
        AtomicInteger termWrites = new AtomicInteger();
        AtomicReference<Long> term = new AtomicReference<>(0L);
        LeaderService leader = LeaderService.builder(session, ELECTION, member)
                .periodic(LEADER_PERIOD, leadership -> {
                    if (quiesced.getCount() == 0) {
                        return;
                    }
                    if (term.getAndSet(leadership.token()) != leadership.token()) {
                        termWrites.set(0);
                    }
                    appendAsLeader(ledger, leadership, termWrites.getAndIncrement());
                })
                .start();
        TaskRetention retention = TaskRetention.create(etcd, NAMESPACE,
                RetentionPolicy.defaults().withMaxAge(DONE_RETENTION));
        LeaderService sweeper = LeaderService.builder(session, RETENTION_ELECTION, member)
                .periodic(retention.policy().sweepPeriod(), leadership -> {
                    if (quiesced.getCount() != 0) {
                        retention.sweep(leadership);
                    }
                })
                .start();
        AtomicReference<AllocatorMember> allocMember = new AtomicReference<>();
        AllocatorMember assigned = AllocatorMember.builder(session, NAMESPACE, member)
                .zone(zone)
                .capacity(CAPACITY)
                .listener(route -> markReady(allocMember.get(), route))
                .joinTimeout(Duration.ofSeconds(60))
                .start();
        allocMember.set(assigned);
        Allocator allocator = Allocator.builder(session, NAMESPACE).fixedItems(ITEMS).name(member).start();

        List<AutoCloseable> parts = new ArrayList<>(List.of(allocator, sweeper, leader, tasks, cache, session, etcd, log));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> leave(assigned, parts), "chaos-worker-shutdown"));
        System.out.println("ready " + member);
        System.out.flush();

        reportWanted.await();
        report(cache, log);
        Thread.currentThread().join();
    }

    /** Writes "ready" as the assignment's status, which the allocator's default check counts as ready. */
    private static void markReady(AllocatorMember member, ItemRoute route) {
        if (member == null) {
            return;
        }
        route.self().filter(entry -> entry.status().isEmpty())
                .map(RouteEntry::token)
                .ifPresent(token -> member.writeStatus(route.item(), token, "ready"));
    }

    private static void appendAsLeader(Ledger ledger, Leadership leadership, int seq) {
        try {
            ledger.append(LedgerEntry.Writer.LEADER, ELECTION.replace('/', '.'), leadership.token(), seq, false,
                    leadership.fence());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Outcome unknown: the next period writes again; the ledger records only what landed.
        }
    }

    /** Once the cache has delivered everything and its revision stays put, logs its contents. */
    private static void report(KeyspaceCache<String> cache, CacheLog log) throws InterruptedException {
        long deadline = System.nanoTime() + REPORT_TIMEOUT.toNanos();
        long seen = -1;
        while (System.nanoTime() - deadline < 0) {
            Thread.sleep(500);
            long revision = cache.revision();
            if (cache.pendingEvents() == 0 && cache.isSynced() && revision == seen) {
                System.out.println("reported " + log.snapshot(cache));
                System.out.flush();
                return;
            }
            seen = revision;
        }
        System.out.println("unreported: the cache did not settle within " + REPORT_TIMEOUT);
        System.out.flush();
    }

    private static void leave(AllocatorMember assigned, List<AutoCloseable> parts) {
        try {
            assigned.exit(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assigned.close();
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("closing " + part + ": " + e);
            }
        }
    }
}
