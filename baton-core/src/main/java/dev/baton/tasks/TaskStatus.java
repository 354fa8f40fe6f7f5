package dev.baton.tasks;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a task stands in its state machine. The transitions between them are listed in the
 * package documentation; {@link #terminal()} statuses accept no message.
 */
public enum TaskStatus {
    /** Ready to run; a member that holds the claim runs the handler. */
    RUNNABLE,
    /** Held without running until a resume. */
    PAUSED,
    /** Not running until a given instant, then runnable again. */
    SLEEPING,
    /** The last run ended in an error; runnable again after a backoff. */
    FAULT,
    /** The handler finished the work. Terminal. */
    COMPLETED,
    /** Runs kept failing until the retry policy gave up. Terminal. */
    FAILED,
    /** Ended by a kill command. Terminal. */
    KILLED;

    /** True for the statuses no message can leave: completed, failed and killed. */
    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == KILLED;
    }

    /** The lower-case name used in JSON. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status whose {@link #wireName()} is {@code name}, if any. */
    static Optional<TaskStatus> fromWireName(String name) {
        for (TaskStatus status : values()) {
            if (status.wireName().equals(name)) {
                return java.util.Optional.of(status);
            }
        }
        return java.util.Optional.empty();
    }
}
