package dev.baton.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a schedule fires.
 *
 * <ul>
 *   <li>{@link Cron}: at the times of a cron expression in a time zone.</li>
 *   <li>{@link FixedRate}: every {@code every}, counted from the schedule's anchor (the instant
 *       it was created or its trigger last changed), so fire times never drift.</li>
 *   <li>{@link FixedDelay}: {@code delay} after the previous run's end (its task retired:
 *       completed, failed or killed); the first fire is {@code delay} after the anchor. Runs
 *       never overlap.</li>
 * </ul>
 */
public sealed interface Trigger {

    /** The shortest rate or delay: one second, the resolution of task ids and the store's clocks. */
    Duration MIN_PERIOD = Duration.ofSeconds(1);

    /** Cron and rate triggers: the first fire time strictly after {@code after}, given the anchor. */
    sealed interface Timed extends Trigger {
        Optional<Instant> nextAfter(Instant after, Instant anchor);
    }

    /** The times of {@code cron}. */
    record Cron(CronExpression cron) implements Timed {
        public Cron {
            Objects.requireNonNull(cron, "cron");
        }

        @Override
        public Optional<Instant> nextAfter(Instant after, Instant anchor) {
            return cron.nextAfter(after);
        }

        @Override
        public String toString() {
            return "cron " + cron;
        }
    }

    /** {@code anchor + k × every} for k ≥ 1. */
    record FixedRate(Duration every) implements Timed {
        public FixedRate {
            checkPeriod("--every", every);
        }

        @Override
        public Optional<Instant> nextAfter(Instant after, Instant anchor) {
            if (after.isBefore(anchor)) {
                return Optional.of(anchor.plus(every));
            }
            long periods = Duration.between(anchor, after).dividedBy(every);
            return Optional.of(anchor.plus(every.multipliedBy(periods + 1)));
        }

        @Override
        public String toString() {
            return "every " + every;
        }
    }

    /** {@code delay} after the previous run ended. */
    record FixedDelay(Duration delay) implements Trigger {
        public FixedDelay {
            checkPeriod("--delay", delay);
        }

        @Override
        public String toString() {
            return "delay " + delay;
        }
    }

    private static void checkPeriod(String name, Duration period) {
        Objects.requireNonNull(period, name);
        if (period.compareTo(MIN_PERIOD) < 0 || period.getNano() != 0) {
            throw new InvalidScheduleException(name + " " + period + " must be whole seconds and at least " + MIN_PERIOD);
        }
    }
}
