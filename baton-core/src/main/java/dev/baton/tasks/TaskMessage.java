package dev.baton.tasks;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An input to a task's state machine: returned by a handler when a run ends, or produced from
 * a task command. {@link Kind#SLEEP} carries the wake-up instant, {@link Kind#ERROR} a cause
 * (cut to {@value TaskState#MAX_ERROR_CHARS} characters) and {@link Kind#CHECKPOINT} the
 * handler's opaque checkpoint (at most {@value TaskState#MAX_CHECKPOINT_BYTES} bytes of UTF-8,
 * refused, never cut, when longer).
 */
public final class TaskMessage {

    /** The kinds of message; which one a status accepts is fixed by the transition table. */
    public enum Kind {
        /** Run (again): resume a paused task, wake a sleeping one, retry a fault. */
        RUN,
        /** Stop running and hold until resumed. */
        PAUSE,
        /** Stop running until an instant. */
        SLEEP,
        /** Give up the claim so another member can run the task; the status is kept. */
        RELEASE,
        /** The run failed. */
        ERROR,
        /** The work is done. */
        COMPLETE,
        /** End the task for good. */
        KILL,
        /** Record the handler's progress without changing the status. */
        CHECKPOINT
    }

    private static final TaskMessage RUN = new TaskMessage(Kind.RUN, null, null, null);
    private static final TaskMessage PAUSE = new TaskMessage(Kind.PAUSE, null, null, null);
    private static final TaskMessage RELEASE = new TaskMessage(Kind.RELEASE, null, null, null);
    private static final TaskMessage COMPLETE = new TaskMessage(Kind.COMPLETE, null, null, null);
    private static final TaskMessage KILL = new TaskMessage(Kind.KILL, null, null, null);

    private final Kind kind;
    private final Instant until;
    private final String cause;
    private final String checkpoint;

    private TaskMessage(Kind kind, Instant until, String cause, String checkpoint) {
        this.kind = kind;
        this.until = until;
        this.cause = cause;
        this.checkpoint = checkpoint;
    }

    public static TaskMessage run() {
        return RUN;
    }

    public static TaskMessage pause() {
        return PAUSE;
    }

    public static TaskMessage sleep(Instant until) {
        return new TaskMessage(Kind.SLEEP, Objects.requireNonNull(until, "until"), null, null);
    }

    public static TaskMessage release() {
        return RELEASE;
    }

    /** An error with a human-readable cause, cut to {@value TaskState#MAX_ERROR_CHARS} characters. */
    public static TaskMessage error(String cause) {
        return new TaskMessage(Kind.ERROR, null, TaskState.boundedError(Objects.requireNonNull(cause, "cause")), null);
    }

    /** An error whose cause is the exception's class and message. */
    public static TaskMessage error(Throwable cause) {
        return error(Objects.requireNonNull(cause, "cause").toString());
    }

    public static TaskMessage complete() {
        return COMPLETE;
    }

    public static TaskMessage kill() {
        return KILL;
    }

    /** A checkpoint; refused with {@link TaskFormatException} when longer than the limit. */
    public static TaskMessage checkpoint(String checkpoint) {
        return new TaskMessage(Kind.CHECKPOINT, null, null,
                TaskState.checkedCheckpoint(Objects.requireNonNull(checkpoint, "checkpoint")));
    }

    public Kind kind() {
        return kind;
    }

    /** The wake-up instant of a {@link Kind#SLEEP}. */
    public Optional<Instant> until() {
        return Optional.ofNullable(until);
    }

    /** The cause of an {@link Kind#ERROR}. */
    public Optional<String> cause() {
        return Optional.ofNullable(cause);
    }

    /** The checkpoint of a {@link Kind#CHECKPOINT}. */
    public Optional<String> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TaskMessage that && kind == that.kind && Objects.equals(until, that.until)
                && Objects.equals(cause, that.cause) && Objects.equals(checkpoint, that.checkpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, until, cause, checkpoint);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SLEEP -> "SLEEP(" + until + ")";
            case ERROR -> "ERROR(" + Excerpt.of(cause) + ")";
            case CHECKPOINT -> "CHECKPOINT(" + Excerpt.of(checkpoint) + ")";
            default -> kind.name();
        };
    }
}
