package dev.baton.tasks;

import java.time.Duration;
import java.util.Objects;

/**
 * How a faulting task is retried: at most {@link #maxAttempts()} consecutive failed runs, the
 * k-th failure followed by a backoff of {@code initialBackoff × multiplier^(k−1)}, capped at
 * {@link #maxBackoff()}, then shortened by a random fraction of up to {@link #jitter()} so
 * tasks that failed together do not retry together.
 *
 * <p>Defaults: 5 attempts (the first run and 4 retries), backoff 1 s doubling up to 60 s,
 * jitter 20 % (so the first retry comes 0.8–1 s after the failure, the fourth 6.4–8 s after).
 */
public final class RetryPolicy {

    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final double DEFAULT_JITTER = 0.2;

    private static final RetryPolicy DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final double jitter;

    private RetryPolicy(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.multiplier = builder.multiplier;
        this.jitter = builder.jitter;
    }

    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The number of consecutive failed runs after which the task is FAILED. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    /** The largest fraction by which a backoff is shortened at random, in [0, 1). */
    public double jitter() {
        return jitter;
    }

    /** True when {@code failures} consecutive failed runs leave no attempt. */
    public boolean exhausted(int failures) {
        return failures >= maxAttempts;
    }

    /**
     * The wait after the {@code failures}-th consecutive failure, given a uniform random
     * {@code unit} in [0, 1): the capped exponential backoff times {@code 1 − jitter × unit}.
     */
    public Duration backoff(int failures, double unit) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1, is " + failures);
        }
        if (!(unit >= 0 && unit < 1)) {
            throw new IllegalArgumentException("unit must be in [0, 1), is " + unit);
        }
        double capNanos = maxBackoff.toNanos();
        double nanos = Math.min(capNanos, initialBackoff.toNanos() * Math.pow(multiplier, failures - 1));
        return Duration.ofNanos((long) (nanos * (1 - jitter * unit)));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetryPolicy that && maxAttempts == that.maxAttempts
                && initialBackoff.equals(that.initialBackoff) && maxBackoff.equals(that.maxBackoff)
                && multiplier == that.multiplier && jitter == that.jitter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter);
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + "×" + multiplier
                + "^n up to " + maxBackoff + ", jitter=" + jitter + "}";
    }

    /** Builds a {@link RetryPolicy}; every setter validates its argument at once. */
    public static final class Builder {

        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double multiplier = DEFAULT_MULTIPLIER;
        private double jitter = DEFAULT_JITTER;

        private Builder() {
        }

        /** At least 1; 1 means a failed run is never retried. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, is " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Positive. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = positive("initialBackoff", initialBackoff);
            return this;
        }

        /** Positive, and checked against the initial backoff by {@link #build()}. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = positive("maxBackoff", maxBackoff);
            return this;
        }

        /** At least 1 (1 gives a constant backoff). */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be finite and at least 1, is " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** In [0, 1); 0 disables jitter. */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter < 1)) {
                throw new IllegalArgumentException("jitter must be in [0, 1), is " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff " + maxBackoff
                        + " must not be shorter than initialBackoff " + initialBackoff);
            }
            return new RetryPolicy(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, is " + value);
            }
            return value;
        }
    }
}
