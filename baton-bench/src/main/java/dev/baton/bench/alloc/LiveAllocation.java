package dev.baton.bench.alloc;

import dev.baton.alloc.AllocationRound;
import dev.baton.alloc.Allocator;
import dev.baton.alloc.Assignment;
import dev.baton.alloc.Item;
import dev.baton.alloc.ItemCatalog;
import dev.baton.alloc.Member;
import dev.baton.alloc.ReadinessCheck;
import dev.baton.bench.BenchRun;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.session.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One allocator namespace on one store, driven through its phases: placement, a member joining,
 * a member leaving gracefully, and a member joining whose replicas take a while to become ready.
 * Each phase runs from its trigger until a round planned after the trigger found the store at
 * its target and every replica reports ready.
 */
final class LiveAllocation implements AutoCloseable {
    static final int REPLICAS = 3;
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(5);

    /**
     * What one phase took: wall time, the leader's rounds and solves, replicas added and the
     * fewest possible, and the leader's time in each step of its rounds (for the progress log).
     */
    record Phase(String name, double seconds, int rounds, long solves, long moves, long lowerBound, String steps) {
    }

    private final BenchRun run;
    private final Etcd etcd;
    private final String namespace;
    private final LiveFleet fleet;
    private final List<AllocationRound> rounds = new ArrayList<>();
    private final List<Item> items = new ArrayList<>();
    private final int capacity;
    private Session session;
    private Allocator leader;

    LiveAllocation(BenchRun run, Etcd etcd, String namespace, int itemCount, int memberCount) {
        this.run = run;
        this.etcd = etcd;
        this.namespace = namespace;
        this.fleet = new LiveFleet(etcd, namespace);
        for (int i = 0; i < itemCount; i++) {
            items.add(new Item(String.format(Locale.ROOT, "item-%07d", i), REPLICAS));
        }
        this.capacity = 2 * REPLICAS * itemCount / memberCount;
    }

    /** Writes the items and joins the members, then starts the leader and times the placement. */
    Phase place(int memberCount) throws Exception {
        ItemCatalog catalog = ItemCatalog.of(etcd, namespace);
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (Item item : items) {
            writes.add(catalog.put(item));
            if (writes.size() == 256) {
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
                writes.clear();
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
        for (int m = 0; m < memberCount; m++) {
            fleet.join(new Member(String.format(Locale.ROOT, "member-%04d", m), "zone-" + (char) ('a' + m % 3),
                    capacity));
        }
        return phase("placement", null, () -> {
            session = Session.builder(etcd).ttl(Duration.ofSeconds(10)).open();
            leader = Allocator.builder(session, namespace)
                    .readiness(ReadinessCheck.statusEquals(LiveFleet.READY))
                    .roundListener(this::record)
                    .start();
            return revision();
        });
    }

    /** A member joins in zone a, its replicas reported ready after {@code readinessDelay}. */
    Phase join(String name, String id, Duration readinessDelay) throws Exception {
        fleet.readinessDelay(readinessDelay);
        return phase(name, null, () -> fleet.join(new Member(id, "zone-a", capacity)));
    }

    /** A member marks itself exiting; the phase ends when it holds nothing. */
    Phase leave(String id) throws Exception {
        Phase phase = phase("leave", id, () -> fleet.exit(id));
        fleet.leave(id);
        return phase;
    }

    /** Something that changes the store and returns the revision it did so at. */
    private interface Trigger {
        long fire() throws Exception;
    }

    private Phase phase(String name, String emptied, Trigger trigger) throws Exception {
        List<Assignment> before = fleet.assignments();
        long createdBefore = fleet.created();
        int firstRound = roundCount();
        long start = System.nanoTime();
        long triggered = trigger.fire();
        long replicas = (long) items.size() * REPLICAS;
        run.await(name + " of " + items.size() + " items on " + namespace, PHASE_TIMEOUT,
                () -> converged(triggered) && fleet.settled(replicas, emptied));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<AllocationRound> of = roundsFrom(firstRound);
        List<Member> live = fleet.members().stream().filter(m -> !m.exiting()).toList();
        return new Phase(name, seconds, of.size(), of.stream().filter(AllocationRound::solved).count(),
                fleet.created() - createdBefore, MoveLowerBound.of(live, before, fleet.assignments()), steps(of));
    }

    private static String steps(List<AllocationRound> rounds) {
        return String.format(Locale.ROOT, "read %d ms, solve %d ms, plan %d ms, write %d ms, echo %d ms",
                millis(rounds, AllocationRound::readTime), millis(rounds, AllocationRound::solveTime),
                millis(rounds, AllocationRound::planTime), millis(rounds, AllocationRound::writeTime),
                millis(rounds, AllocationRound::echoTime));
    }

    private static long millis(List<AllocationRound> rounds, Function<AllocationRound, Duration> step) {
        return rounds.stream().mapToLong(r -> step.apply(r).toMillis()).sum();
    }

    private synchronized void record(AllocationRound round) {
        rounds.add(round);
    }

    private synchronized int roundCount() {
        return rounds.size();
    }

    private synchronized List<AllocationRound> roundsFrom(int first) {
        return List.copyOf(rounds.subList(first, rounds.size()));
    }

    private synchronized boolean converged(long triggered) {
        AllocationRound last = rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
        return last != null && last.converged() && last.revision() >= triggered;
    }

    private long revision() {
        return etcd.range(KeyRange.key(namespace)).join().revision();
    }

    @Override
    public void close() throws Exception {
        if (leader != null) {
            leader.close();
            session.close();
        }
        fleet.close();
        etcd.delete(KeyRange.prefix(namespace)).get();
    }
}
