package dev.baton.tasks;

import java.time.Duration;

/**
 * When the next balancing pass may run. A pass reads every live task, so under a storm of other
 * members' claims passes are spaced out instead of run once per change: after a pass that found
 * nothing to do the interval doubles, up to {@code max}; news that concerns this member (a member
 * joined or left, a command, a timer, a change of its own holdings) brings it back to {@code min}.
 * After a pass that found nothing to do, whatever the news, the next one waits at least
 * {@value #COST_RATIO} times as long as that pass took, so passes over a large namespace that
 * others keep changing take a bounded share of the member's control thread (the claims a pass
 * leaves as spares fill slots in between); a pass that claimed or released is followed as soon as
 * the interval allows, so a member taking its share is not slowed. An instant the member's own
 * plan named coming (a claim window opening, a hold-off ending) is not held off by that floor: tasks
 * became claimable that no news will announce, and a pass that claims them pays no floor after
 * it anyway; it still waits for the shortest interval, so such instants bring at most one pass
 * per {@code min}. Pure: times are {@link System#nanoTime()} readings passed in.
 */
final class PassPacing {

    /** A task member's shortest time between two passes; changes within it are taken in one pass. */
    static final Duration MEMBER_MIN = Duration.ofMillis(20);
    /** A task member's longest, reached while passes find nothing to do and only other members' claims arrive. */
    static final Duration MEMBER_MAX = Duration.ofSeconds(1);
    /** How many times a pass's own duration the member waits before the next. */
    static final int COST_RATIO = 8;

    private final long minNanos;
    private final long maxNanos;
    private long intervalNanos;
    private long lastPassNanos;
    private long costFloorNanos;
    private boolean passed;

    PassPacing(Duration min, Duration max) {
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("pass intervals must satisfy 0 <= min <= max, are " + min + " and " + max);
        }
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.intervalNanos = minNanos;
    }

    /** News that concerns this member: the next pass may come at the shortest interval. */
    void urgent() {
        intervalNanos = minNanos;
    }

    /**
     * An instant the last plan named has come: the next pass may come at the shortest interval,
     * however long the last idle pass took.
     */
    void timeCame() {
        intervalNanos = minNanos;
        costFloorNanos = 0;
    }

    /** The earliest time the next pass may run, given the time now. */
    long dueAt(long nowNanos) {
        if (!passed) {
            return nowNanos;
        }
        long due = lastPassNanos + Math.max(intervalNanos, costFloorNanos);
        return due - nowNanos > 0 ? due : nowNanos;
    }

    /**
     * A pass ran from {@code startNanos} to {@code endNanos}; {@code settled} when it found
     * nothing to do.
     */
    void passed(long startNanos, long endNanos, boolean settled) {
        passed = true;
        lastPassNanos = endNanos;
        costFloorNanos = settled ? Math.max(0, endNanos - startNanos) * COST_RATIO : 0;
        intervalNanos = settled ? Math.min(Math.max(intervalNanos, 1) * 2, maxNanos) : minNanos;
    }
}
