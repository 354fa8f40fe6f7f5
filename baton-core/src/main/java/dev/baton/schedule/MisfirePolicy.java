package dev.baton.schedule;

import java.util.Objects;

/**
 * What a schedule does with the fire times it missed: those more than the scheduler's misfire
 * threshold in the past when it gets to them, after all members were down, the schedule was
 * paused, or a leader took over late. Fire times within the threshold are never misfires and
 * always fire.
 *
 * <ul>
 *   <li>{@code fire-once} (the default): one task, for the latest missed fire time, however many
 *       were missed.</li>
 *   <li>{@code skip}: none; the schedule goes on with its next fire time.</li>
 *   <li>{@code catch-up:N}: one task for each of the latest N missed fire times (oldest first);
 *       earlier ones are skipped. {@code catch-up} alone means N = {@value #DEFAULT_CATCH_UP}.</li>
 * </ul>
 *
 * A fixed-delay trigger has at most one pending fire time, which fires under every policy.
 *
 * @param kind  the policy
 * @param bound for {@link Kind#CATCH_UP}, how many missed fire times fire at most; 1 otherwise
 */
public record MisfirePolicy(Kind kind, int bound) {

    /** The bound of {@code catch-up} without one. */
    public static final int DEFAULT_CATCH_UP = 10;
    /** The largest bound: a schedule never creates more tasks than this at once. */
    public static final int MAX_CATCH_UP = 1000;

    public enum Kind {
        FIRE_ONCE("fire-once"), SKIP("skip"), CATCH_UP("catch-up");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public MisfirePolicy {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.CATCH_UP ? bound < 1 || bound > MAX_CATCH_UP : bound != 1) {
            throw new InvalidScheduleException("misfire policy " + kind.wireName() + " bound " + bound
                    + (kind == Kind.CATCH_UP ? " must be between 1 and " + MAX_CATCH_UP : " must be 1"));
        }
    }

    public static MisfirePolicy fireOnce() {
        return new MisfirePolicy(Kind.FIRE_ONCE, 1);
    }

    public static MisfirePolicy skip() {
        return new MisfirePolicy(Kind.SKIP, 1);
    }

    public static MisfirePolicy catchUp(int bound) {
        return new MisfirePolicy(Kind.CATCH_UP, bound);
    }

    /** Parses {@code fire-once}, {@code skip}, {@code catch-up} or {@code catch-up:N}. */
    public static MisfirePolicy parse(String text) {
        Objects.requireNonNull(text, "misfire policy");
        if (text.equals(Kind.FIRE_ONCE.wireName())) {
            return fireOnce();
        }
        if (text.equals(Kind.SKIP.wireName())) {
            return skip();
        }
        if (text.equals(Kind.CATCH_UP.wireName())) {
            return catchUp(DEFAULT_CATCH_UP);
        }
        String prefix = Kind.CATCH_UP.wireName() + ":";
        if (text.startsWith(prefix)) {
            String number = text.substring(prefix.length());
            if (number.matches("[0-9]{1,9}")) {
                return catchUp(Integer.parseInt(number));
            }
        }
        throw new InvalidScheduleException("misfire policy \"" + text + "\" is not one of fire-once, skip, catch-up, "
                + "catch-up:N (N from 1 to " + MAX_CATCH_UP + ")");
    }

    /** The form {@link #parse} reads. */
    @Override
    public String toString() {
        return kind == Kind.CATCH_UP ? kind.wireName() + ":" + bound : kind.wireName();
    }
}
