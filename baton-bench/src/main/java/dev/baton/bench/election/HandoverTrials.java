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
 * {@value #SETTLE_MILLIS} ms to set up its watch, so the figure is the handover itself. After
 * each round of trials the next child leaders of all systems start together, and the next round
 * begins once they lead: no JVM start competes with a measurement.
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

    /**
     * One system's set-up for one kind of trial. Between two trials it is made ready in two steps,
     * so that slow set-up (starting a JVM) of every system overlaps, and none overlaps a trial.
     */
    private interface Rig extends AutoCloseable {
        /** Measures one handover, in nanoseconds. */
        long trial() throws Exception;

        /** Starts setting up the next trial and returns at once. */
        void prepare();

        /** Waits until the next trial can run. */
        void ready() throws Exception;

        @Override
        void close();
    }

    @FunctionalInterface
    private interface RigFactory {
        /** A rig that has been prepared: it needs {@link Rig#ready()} before its first trial. */
        Rig open(ElectionSystem system) throws Exception;
    }

    /**
     * Rounds of one trial per system that needs more. A failed trial or set-up (a session lost to
     * an overloaded machine) is counted as a failure and the system's rig is rebuilt on a fresh
     * election.
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
                    while (!ready(event, tally, rigs, name)) {
                        rebuild(event, rigs, byName.get(name), factory);
                    }
                }
                List<String> measured = new ArrayList<>();
                for (String name : tally.pending()) {
                    try {
                        long nanos = rigs.get(name).trial();
                        tally.record(name, nanos);
                        measured.add(name);
                        progress.accept(String.format(Locale.ROOT, "%s, %s: %.1f ms", event.label(), name, nanos / 1e6));
                    } catch (Exception e) {
                        progress.accept(event.label() + ", " + name + ": trial failed (" + e + "); starting afresh");
                        tally.fail(name, e);
                        rebuild(event, rigs, byName.get(name), factory);
                    }
                }
                List<String> pending = tally.pending();
                measured.stream().filter(pending::contains).forEach(name -> rigs.get(name).prepare());
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

    private boolean ready(ElectionEvent event, TrialTally tally, Map<String, Rig> rigs, String name)
            throws InterruptedException {
        try {
            rigs.get(name).ready();
            return true;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            progress.accept(event.label() + ", " + name + ": set-up failed (" + e + "); starting afresh");
            tally.fail(name, e);
            return false;
        }
    }

    private static void rebuild(ElectionEvent event, Map<String, Rig> rigs, ElectionSystem system, RigFactory factory)
            throws Exception {
        rigs.remove(system.displayName()).close();
        rigs.put(system.displayName(), factory.open(system));
    }

    private static String newElection(ElectionEvent event, ElectionSystem system) {
        return "bench/" + (event == ElectionEvent.RESIGN ? "resign" : "kill") + "-" + system.id() + "-"
                + ELECTIONS.incrementAndGet();
    }

    /** Waits until {@code election} has {@code count} candidates, one of them in {@code child} when given. */
    private static void awaitCandidates(ElectionSystem system, String election, int count, ChildJvm child)
            throws Exception {
        long deadline = System.nanoTime() + ELECTED.toNanos();
        int seen;
        while ((seen = system.candidates(election)) != count) {
            if (child != null && !child.isAlive()) {
                List<String> errors = child.errorLines();
                throw new IllegalStateException(child + " exited before it campaigned; its last errors: "
                        + errors.subList(Math.max(0, errors.size() - 10), errors.size()));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("election " + election + " of " + system.displayName() + " has " + seen
                        + " candidates, not " + count + ", after " + ELECTED);
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
    }

    /** Waits until the successor's candidacy is in the store, then lets it set up its watch. */
    private static void awaitSuccessor(ElectionSystem system, String election) throws Exception {
        awaitCandidates(system, election, 2, null);
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

        /** The candidate that resigned campaigns again in the next trial: nothing to set up. */
        @Override
        public void prepare() {
        }

        @Override
        public void ready() {
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
        private boolean successorLeads;

        KillRig(ElectionSystem system) throws Exception {
            this.system = system;
            this.election = newElection(ElectionEvent.KILL, system);
            this.successor = system.candidate(election);
            try {
                prepare();
            } catch (RuntimeException e) {
                successor.close();
                throw e;
            }
        }

        /** Starts the next leader's JVM; it campaigns at once. */
        @Override
        public void prepare() {
            leader = ChildJvm.builder(CandidateMain.class)
                    .jvmArgs("-Xmx128m")
                    .args(system.id(), system.endpoint(), election)
                    .start();
        }

        /** Once the new leader's JVM campaigns, the successor hands it the leadership. */
        @Override
        public void ready() throws Exception {
            if (successorLeads) {
                awaitCandidates(system, election, 2, leader);
                successor.resign().get(ELECTED.toSeconds(), TimeUnit.SECONDS);
                successorLeads = false;
            }
            leader.awaitLine("^ELECTED", ELECTED);
        }

        @Override
        public long trial() throws Exception {
            CompletableFuture<Long> next = successor.campaign();
            awaitSuccessor(system, election);
            long killedAt = System.nanoTime();
            leader.kill();
            long handover = await(next) - killedAt;
            successorLeads = true;
            leader.close();
            leader = null;
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
