package dev.baton.alloc;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.session.Session;
import dev.baton.testkit.EtcdProcess;
import io.etcd.jetcd.op.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The leader against a real etcd: how long placing, a join and a graceful leave take end to end,
 * in how many rounds and transactions. Not a test: run it with
 * <pre>
 *   mvn -o -q -pl baton-core -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 *   java -cp baton-core/target/classes:baton-core/target/test-classes:$(cat baton-core/target/bench.classpath) \
 *       dev.baton.alloc.AllocatorStoreBenchmark [items] [members]
 * </pre>
 * It starts its own etcd, writes {@code items} items of 3 replicas (default 3,000), starts
 * {@code members} members in 3 zones (default 30, each on its own session in this JVM, capacity
 * twice its fair share, reporting "ready" as soon as it is given a replica) and one leader, and
 * times each phase from its start until the store holds the target with every replica ready.
 * Each phase's figures come from the leader's round reports.
 */
public final class AllocatorStoreBenchmark {

    private static final String NAMESPACE = "bench/";
    private static final int REPLICAS = 3;

    private final Etcd etcd;
    private final AllocatorKeyspace keys = new AllocatorKeyspace(NAMESPACE);
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<AllocationRound> rounds = new ArrayList<>();

    private AllocatorStoreBenchmark(Etcd etcd) {
        this.etcd = etcd;
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 3_000;
        int members = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        try (EtcdProcess process = EtcdProcess.builder().extraArgs("--quota-backend-bytes=8589934592").start();
             Etcd etcd = Etcd.builder().endpoints(process.endpoint()).requestTimeout(Duration.ofSeconds(30)).build()) {
            new AllocatorStoreBenchmark(etcd).run(items, members);
        }
    }

    private void run(int itemCount, int memberCount) throws Exception {
        writeItems(itemCount);
        int capacity = 2 * REPLICAS * itemCount / memberCount;
        List<AllocatorMember> members = new ArrayList<>();
        for (int m = 0; m < memberCount; m++) {
            members.add(member("member-" + m, "zone-" + (char) ('a' + m % 3), capacity));
        }
        System.out.printf(Locale.ROOT, "%d items x %d replicas over %d members in 3 zones, capacity %d each%n",
                itemCount, REPLICAS, memberCount, capacity);
        System.out.printf(Locale.ROOT, "%-22s %10s %8s %8s %8s %8s %8s %8s %8s %8s %8s%n",
                "phase", "wall ms", "rounds", "solves", "changes", "txns", "read ms", "solve ms", "plan ms", "write ms", "echo ms");

        long start = System.nanoTime();
        int firstRound = roundCount();
        Allocator leader = Allocator.builder(session(), NAMESPACE)
                .readiness(ReadinessCheck.statusEquals("ready"))
                .roundListener(this::record)
                .start();
        open.add(leader);
        phase("place", start, firstRound, (long) itemCount * REPLICAS);

        start = System.nanoTime();
        firstRound = roundCount();
        members.add(member("member-joined", "zone-a", capacity));
        phase("one member joins", start, firstRound, (long) itemCount * REPLICAS);

        start = System.nanoTime();
        firstRound = roundCount();
        AllocatorMember leaving = members.remove(0);
        if (!leaving.exit(Duration.ofMinutes(10))) {
            throw new IllegalStateException(leaving + " did not drain");
        }
        phase("one member leaves", start, firstRound, (long) itemCount * REPLICAS);

        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private synchronized void record(AllocationRound round) {
        rounds.add(round);
    }

    private synchronized int roundCount() {
        return rounds.size();
    }

    /**
     * Waits until a round planned from a revision after the phase's trigger found nothing to do
     * and the store holds {@code replicas} ready assignments, then prints the phase's figures:
     * every round from {@code firstRound} on.
     */
    private void phase(String name, long startNanos, int firstRound, long replicas) throws Exception {
        long triggered = etcd.range(KeyRange.key(keys.election())).get().revision();
        while (true) {
            Thread.sleep(200);
            synchronized (this) {
                AllocationRound last = rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
                if (last == null || !last.converged() || last.revision() < triggered) {
                    continue;
                }
            }
            if (readyAssignments() == replicas) {
                break;
            }
        }
        long wallMs = (System.nanoTime() - startNanos) / 1_000_000;
        List<AllocationRound> of;
        synchronized (this) {
            of = List.copyOf(rounds.subList(firstRound, rounds.size()));
        }
        System.out.printf(Locale.ROOT, "%-22s %10d %8d %8d %8d %8d %8d %8d %8d %8d %8d%n", name, wallMs, of.size(),
                of.stream().filter(AllocationRound::solved).count(),
                of.stream().mapToInt(AllocationRound::changes).sum(),
                of.stream().mapToInt(AllocationRound::transactions).sum(),
                of.stream().mapToLong(r -> r.readTime().toMillis()).sum(),
                of.stream().mapToLong(r -> r.solveTime().toMillis()).sum(),
                of.stream().mapToLong(r -> r.planTime().toMillis()).sum(),
                of.stream().mapToLong(r -> r.writeTime().toMillis()).sum(),
                of.stream().mapToLong(r -> r.echoTime().toMillis()).sum());
    }

    private long readyAssignments() throws Exception {
        return etcd.range(KeyRange.prefix(keys.assignments())).get().kvs().stream()
                .filter(kv -> "ready".equals(kv.valueUtf8())).count();
    }

    private void writeItems(int count) throws Exception {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        List<Op> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Item item = new Item(String.format(Locale.ROOT, "item-%07d", i), REPLICAS);
            batch.add(Operations.put(keys.item(item.id()), StoredValues.item(item), 0));
            if (batch.size() == 100 || i == count - 1) {
                writes.add(etcd.txn(List.of(), batch, List.of()));
                batch = new ArrayList<>();
            }
            if (writes.size() == 16) {
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
                writes.clear();
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
    }

    private Session session() {
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(10)).open();
        open.add(session);
        return session;
    }

    /**
     * A member that reports "ready" for every new replica, one write at a time, as an application
     * would after warming each one up; unthrottled, thousands of writes at once swamp etcd.
     */
    private AllocatorMember member(String id, String zone, int capacity) throws InterruptedException {
        ExecutorService writes = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "ready-" + id));
        open.add(writes::shutdownNow);
        AllocatorMember[] self = new AllocatorMember[1];
        self[0] = AllocatorMember.builder(session(), NAMESPACE, id).zone(zone).capacity(capacity)
                .listener(route -> route.self().filter(entry -> entry.status().isEmpty())
                        .ifPresent(entry -> writes.execute(() -> ready(self[0], route.item(), entry.token()))))
                .start();
        open.add(self[0]);
        return self[0];
    }

    private static void ready(AllocatorMember member, String item, long token) {
        try {
            member.writeStatus(item, token, "ready").get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            System.err.println(member + " could not report " + item + " ready: " + e.getCause());
        }
    }
}
