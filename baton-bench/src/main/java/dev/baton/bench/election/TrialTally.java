package dev.baton.bench.election;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of one kind of trial for several systems taken in turns: each system's first
 * {@code warmUp} successful trials are not counted, failed trials are counted apart, and a
 * system that fails more than {@code trials} times stops the run (something is broken, not noisy).
 */
final class TrialTally {
    private final int trials;
    private final int warmUp;
    private final Map<String, Tally> tallies = new LinkedHashMap<>();

    private static final class Tally {
        final long[] samples;
        int taken;
        int warmedUp;
        int failures;

        Tally(int trials) {
            this.samples = new long[trials];
        }
    }

    TrialTally(List<String> systems, int trials, int warmUp) {
        if (systems.isEmpty()) {
            throw new IllegalArgumentException("no systems to take trials of");
        }
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trials);
        }
        if (warmUp < 0) {
            throw new IllegalArgumentException("warm-up trials must be >= 0, got " + warmUp);
        }
        this.trials = trials;
        this.warmUp = warmUp;
        for (String system : systems) {
            if (tallies.put(system, new Tally(trials)) != null) {
                throw new IllegalArgumentException("system '" + system + "' is listed twice");
            }
        }
    }

    /** The systems that still need trials, in the order they were listed: one round of turns. */
    List<String> pending() {
        return tallies.entrySet().stream().filter(e -> e.getValue().taken < trials).map(Map.Entry::getKey).toList();
    }

    boolean done() {
        return pending().isEmpty();
    }

    /** A successful trial of {@code system} took {@code nanos}; warm-up trials are dropped. */
    void record(String system, long nanos) {
        Tally tally = tally(system);
        if (tally.warmedUp < warmUp) {
            tally.warmedUp++;
            return;
        }
        if (tally.taken == trials) {
            throw new IllegalStateException("system '" + system + "' already has its " + trials + " trials");
        }
        tally.samples[tally.taken++] = nanos;
    }

    /**
     * A trial of {@code system} failed.
     *
     * @throws IllegalStateException when that makes more failures than trials wanted
     */
    void fail(String system, Exception cause) {
        Tally tally = tally(system);
        tally.failures++;
        if (tally.failures > trials) {
            throw new IllegalStateException("system '" + system + "' failed " + tally.failures + " trials", cause);
        }
    }

    /** The counted samples of {@code system}, in nanoseconds, in the order taken. */
    long[] samples(String system) {
        Tally tally = tally(system);
        return Arrays.copyOf(tally.samples, tally.taken);
    }

    int failures(String system) {
        return tally(system).failures;
    }

    private Tally tally(String system) {
        Tally tally = tallies.get(system);
        if (tally == null) {
            throw new IllegalArgumentException("unknown system '" + system + "'; expected one of " + tallies.keySet());
        }
        return tally;
    }
}
