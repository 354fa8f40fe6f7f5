package dev.baton.etcd;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with equal jitter: attempt {@code n} waits between half and all of
 * {@code min(max, initial * 2^n)}. Every background loop in Baton retries through one of these
 * (rule 7 of {@code docs/architecture.md}). Not thread-safe: one instance per loop.
 */
public final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private int attempts;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is below the initial backoff " + initial);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The delay before the next attempt; each call counts one failed attempt. */
    public Duration next() {
        long ceiling = initialNanos << Math.min(attempts, 30);
        if (ceiling <= 0 || ceiling > maxNanos) {
            ceiling = maxNanos;
        }
        attempts++;
        long half = ceiling / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** Failed attempts since the last {@link #reset()}. */
    public int attempts() {
        return attempts;
    }

    /** Called after a success: the next failure waits the initial delay again. */
    public void reset() {
        attempts = 0;
    }
}
