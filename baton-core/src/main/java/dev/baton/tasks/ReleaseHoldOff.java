package dev.baton.tasks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The tasks one member released recently, so it does not claim them straight back before the
 * member they were released for has had the chance to. A task is held off from its release
 * until {@code holdOff} later on the injected clock; {@link #until()} is what the
 * planner turns into a {@link BalanceView}'s {@code heldOff}. Thread-safe.
 */
final class ReleaseHoldOff {

    private final Clock clock;
    private final Duration holdOff;
    private final Map<TaskId, Instant> releasedUntil = new HashMap<>();

    ReleaseHoldOff(Clock clock, Duration holdOff) {
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(holdOff, "holdOff");
        if (holdOff.isNegative()) {
            throw new IllegalArgumentException("holdOff must not be negative, is " + holdOff);
        }
        this.holdOff = holdOff;
    }

    /** Records that this member released {@code task} now. */
    synchronized void released(TaskId task) {
        releasedUntil.put(task, clock.instant().plus(holdOff));
    }

    /** True while {@code task} is held off. */
    synchronized boolean isHeldOff(TaskId task) {
        Instant end = releasedUntil.get(task);
        return end != null && end.isAfter(clock.instant());
    }

    /** The tasks still held off, each with the instant its hold-off ends. */
    synchronized Map<TaskId, Instant> until() {
        Instant now = clock.instant();
        releasedUntil.values().removeIf(end -> !end.isAfter(now));
        return Map.copyOf(releasedUntil);
    }
}
