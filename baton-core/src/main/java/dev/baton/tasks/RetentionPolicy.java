package dev.baton.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How long the done records of finished tasks are kept (see {@link TaskRetention}): a done record
 * goes once it is older than {@code maxAge}, or once more than {@code maxCount} done records are
 * kept, oldest first. A record's age is measured from the instant its task finished (the
 * {@code since} of its final state). Defaults: {@value #DEFAULT_MAX_AGE_HOURS} hours and
 * {@value #DEFAULT_MAX_COUNT} records.
 *
 * @param maxAge   how long a done record is kept at most; zero removes, at the next sweep, every
 *                 record of a task that finished before it
 * @param maxCount how many done records are kept at most; 0 keeps none
 */
public record RetentionPolicy(Duration maxAge, int maxCount) {

    /** The default {@link #maxAge}, in hours: one day. */
    public static final int DEFAULT_MAX_AGE_HOURS = 24;
    /** The default {@link #maxCount}. */
    public static final int DEFAULT_MAX_COUNT = 10_000;

    private static final Duration MIN_SWEEP_PERIOD = Duration.ofSeconds(1);
    private static final Duration MAX_SWEEP_PERIOD = Duration.ofMinutes(1);
    private static final Comparator<DoneRecord> OLDEST_FIRST = Comparator.comparing(DoneRecord::finished)
            .thenComparingLong(DoneRecord::modRevision)
            .thenComparing(DoneRecord::id);

    /**
     * @throws IllegalArgumentException naming the value when {@code maxAge} is negative or
     *                                  {@code maxCount} is negative
     */
    public RetentionPolicy {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("retention max age must be zero or positive, got " + maxAge);
        }
        if (maxCount < 0) {
            throw new IllegalArgumentException("retention max count must be zero or positive, got " + maxCount);
        }
    }

    /** {@value #DEFAULT_MAX_AGE_HOURS} hours, {@value #DEFAULT_MAX_COUNT} records. */
    public static RetentionPolicy defaults() {
        return new RetentionPolicy(Duration.ofHours(DEFAULT_MAX_AGE_HOURS), DEFAULT_MAX_COUNT);
    }

    /** This policy with another {@link #maxAge}. */
    public RetentionPolicy withMaxAge(Duration age) {
        return new RetentionPolicy(age, maxCount);
    }

    /** This policy with another {@link #maxCount}. */
    public RetentionPolicy withMaxCount(int count) {
        return new RetentionPolicy(maxAge, count);
    }

    /**
     * How often a leader should sweep: a tenth of {@link #maxAge}, at least 1 s and at most
     * 1 min, so a record outlives its age by at most about a tenth of it (or a minute).
     */
    public Duration sweepPeriod() {
        Duration tenth = maxAge.dividedBy(10);
        return tenth.compareTo(MIN_SWEEP_PERIOD) < 0 ? MIN_SWEEP_PERIOD
                : tenth.compareTo(MAX_SWEEP_PERIOD) > 0 ? MAX_SWEEP_PERIOD : tenth;
    }

    /**
     * The decision of one sweep, pure: which of {@code done} go at {@code now}, oldest first.
     * Records of tasks in {@code live} are neither removed nor counted. Of the others, ordered
     * oldest first (by finish instant, then store order), the longest prefix goes that holds
     * every record finished more than {@link #maxAge} before {@code now} and leaves at most
     * {@link #maxCount} records.
     */
    List<DoneRecord> expired(Collection<DoneRecord> done, Set<TaskId> live, Instant now) {
        List<DoneRecord> kept = done.stream().filter(record -> !live.contains(record.id())).sorted(OLDEST_FIRST).toList();
        Instant cutoff = now.minus(maxAge);
        int tooOld = 0;
        while (tooOld < kept.size() && kept.get(tooOld).finished().isBefore(cutoff)) {
            tooOld++;
        }
        int tooMany = Math.max(0, kept.size() - maxCount);
        return kept.subList(0, Math.max(tooOld, tooMany));
    }

    /**
     * A done record as a sweep read it.
     *
     * @param id          the task
     * @param finished    when the task finished: the {@code since} of its final state
     * @param modRevision the done key's mod revision when read; its delete compares it
     */
    record DoneRecord(TaskId id, Instant finished, long modRevision) {
    }
}
