package dev.baton.bench.election;

import dev.baton.testkit.ChildJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Leader handover trials for several election systems, taken in turns one trial at a time so
 * that on a shared machine every system meets the same load.
 *
 * <p>A resign trial has two candidates in this JVM: the leader resigns, the other one takes
 * over, and the two swap roles for the next trial. A kill trial has the leader in a child JVM
 * ({@link CandidateMain}) and the successor in this JVM: the child gets {@code SIGKILL}, and the
 * successor leads once the store has expired the dead leader's session. Every instant is read in
 * this JVM. Before each event the successor's candidacy is in the store and it gets
 * {@value #SETTLE_MILLIS} ms to set up its watch, so the figure is the handover itself. The next
 * child leader starts after a measurement, so its JVM start never competes with one.
 */
final class HandoverTrials {
    private static final long SETTLE_MILLIS = 500;
    private static final Duration ELECTED = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(10);
    private static final AtomicInteger ELECTIONS = new AtomicInteger();

    private final List<ElectionSystem> systems;
    private final int trials;
    private final int warmUp;
    private final Consumer<String> progress;

    /**
     * @param trials   counted trials per system and event
     * @param warmUp   uncounted trials per system before the resign trials
     * @param progress told of every trial
     */
    HandoverTrials(List<ElectionSystem> systems, int trials, int warmUp, Consumer<String> progress) {
        this.systems = List.copyOf(systems);
        this.trials = trials;
        this.warmUp = warmUp;
        this.progress = progress;
    }

    List<Handovers> resign() throws Exception {
        return alternate(ElectionEvent.RESIGN, warmUp, ResignRig::new);
    }

    /** Kill trials start with a fresh child JVM each, so they need no warm-up of their own. */
    List<Handovers> kill() throws Exception {
        return alternate(ElectionEvent.KILL, 0, KillRig::new);
    }

    /** One system's set-up for one kind of trial; each trial returns one handover in nanoseconds. */
    private interface Rig extends AutoCloseable {
        long trial() throws Exception;

        @Override
        void close();
    }

    @FunctionalInterface
    private interface RigFactory {
        Rig open(ElectionSystem system) throws Exception;
    }

    /**
     * A failed trial (a session lost to an overloaded machine) is counted as a failure and the
     * system's rig is rebuilt on a fresh election.
     */
    private List<Handovers> alternate(ElectionEvent event, int uncounted, RigFactory factory) throws Exception {
        Map<String, ElectionSystem> byName = new LinkedHashMap<>();
        systems.forEach(system -> byName.put(system.displayName(), system));
        TrialTally tally = new TrialTally(List.copyOf(byName.keySet()), trials, uncounted);
        Map<String, Rig> rigs = new LinkedHashMap<>();
        try {
            for (ElectionSystem system : systems) {
                rigs.put(system.displayName(), factory.open(system));
            }
            while (!tally.done()) {
                for (String name : tally.pending()) {
                    try {
                        long nanos = rigs.get(name).trial();
                        tally.record(name, nanos);
                        progress.accept(String.format(Locale.ROOT, "%s, %s: %.1f ms", event.label(), name, nanos / 1e6));
                    } catch (Exception e) {
                        progress.accept(event.label() + ", " + name + ": trial failed (" + e + "); starting afresh");
                        tally.fail(name, e);
                        rigs.remove(name).close();
                        rigs.put(name, factory.open(byName.get(name)));
                    }
                }
            }
        } finally {
            rigs.values().forEach(Rig::close);
        }
        List<Handovers> handovers = new ArrayList<>();
        for (String name : byName.keySet()) {
            handovers.add(new Handovers(event, name, tally.samples(name), tally.failures(name)));
        }
        return handovers;
    }

    private static String newElection(ElectionEvent event, ElectionSystem system) {
        return "bench/" + (event == ElectionEvent.RESIGN ? "resign" : "kill") + "-" + system.id() + "-"
                + ELECTIONS.incrementAndGet();
    }

    /** Waits until {@code election} has {@code count} candidates. */
    private static void awaitCandidates(ElectionSystem system, String election, int count) throws Exception {
        long deadline = System.nanoTime() + ELECTED.toNanos();
        int seen;
        while ((seen = system.candidates(election)) != count) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("election " + election + " of " + system.displayName() + " has " + seen
                        + " candidates, not " + count + ", after " + ELECTED);
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
    }

    /** Waits until the successor's candidacy is in the store, then lets it set up its watch. */
    private static void awaitSuccessor(ElectionSystem system, String election) throws Exception {
        awaitCandidates(system, election, 2);
        TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
    }

    private static long await(CompletableFuture<Long> elected) throws Exception {
        return elected.get(ELECTED.toSeconds(), TimeUnit.SECONDS);
    }

    /** Two candidates in this JVM taking turns. */
    private static final class ResignRig implements Rig {
        private final ElectionSystem system;
        private final String election;
        private Candidate leading;
        private Candidate waiting;

        ResignRig(ElectionSystem system) throws Exception {
            this.system = system;
            this.election = newElection(ElectionEvent.RESIGN, system);
            this.leading = system.candidate(election);
            try {
                this.waiting = system.candidate(election);
                await(leading.campaign());
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        @Override
        public long trial() throws Exception {
            CompletableFuture<Long> next = waiting.campaign();
            awaitSuccessor(system, election);
            long resignedAt = System.nanoTime();
            CompletableFuture<Void> resigned = leading.resign();
            long handover = await(next) - resignedAt;
            resigned.get(ELECTED.toSeconds(), TimeUnit.SECONDS);
            Candidate swap = leading;
            leading = waiting;
            waiting = swap;
            return handover;
        }

        @Override
        public void close() {
            try {
                if (leading != null) {
                    leading.close();
                }
            } finally {
                if (waiting != null) {
                    waiting.close();
                }
            }
        }
    }

    /** A leader in a child JVM and its successor in this JVM. */
    private static final class KillRig implements Rig {
        private final ElectionSystem system;
        private final String election;
        private final Candidate successor;
        private ChildJvm leader;

        KillRig(ElectionSystem system) throws Exception {
            this.system = system;
            this.election = newElection(ElectionEvent.KILL, system);
            this.successor = system.candidate(election);
            try {
                this.leader = launchLeader();
                leader.awaitLine("^ELECTED", ELECTED);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Starts a candidate in a child JVM; it prints {@code ELECTED} once it leads. */
        private ChildJvm launchLeader() {
            return ChildJvm.builder(CandidateMain.class)
                    .jvmArgs("-Xmx128m")
                    .args(system.id(), system.endpoint(), election)
                    .start();
        }

        @Override
        public long trial() throws Exception {
            CompletableFuture<Long> next = successor.campaign();
            awaitSuccessor(system, election);
            long killedAt = System.nanoTime();
            leader.kill();
            long handover = await(next) - killedAt;
            leader.close();
            // The next leader's JVM starts only now, so its start never competes with a measurement.
            leader = launchLeader();
            awaitCandidates(system, election, 2);
            successor.resign().get(ELECTED.toSeconds(), TimeUnit.SECONDS);
            leader.awaitLine("^ELECTED", ELECTED);
            return handover;
        }

        @Override
        public void close() {
            try {
                if (leader != null) {
                    leader.close();
                }
            } finally {
                successor.close();
            }
        }
    }
}
