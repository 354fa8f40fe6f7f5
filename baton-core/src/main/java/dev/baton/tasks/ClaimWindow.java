package dev.baton.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long before a task's not-before instant a member may claim it: a task is <em>due</em> once
 * its not-before is at most this far ahead. The member then holds the claim and starts the
 * handler at the not-before instant with a local timer, so the claim's round trip (and, when
 * many tasks share one not-before, the burst of their claims) is out of the start's lag, while
 * no handler ever starts early. Zero claims at the not-before instant itself. Pure: every answer
 * is a function of its arguments.
 *
 * @param length how far ahead of its not-before a task is due; not negative
 */
record ClaimWindow(Duration length) {

    ClaimWindow {
        Objects.requireNonNull(length, "length");
        if (length.isNegative()) {
            throw new IllegalArgumentException("the claim window must not be negative, is " + length);
        }
    }

    /** True when a task not before {@code notBefore} (null: none) may be claimed at {@code now}. */
    boolean due(Instant notBefore, Instant now) {
        return notBefore == null || !opens(notBefore).isAfter(now);
    }

    /** When a task not before {@code notBefore} becomes due: the window's length before it. */
    Instant opens(Instant notBefore) {
        return notBefore.minus(length);
    }
}
