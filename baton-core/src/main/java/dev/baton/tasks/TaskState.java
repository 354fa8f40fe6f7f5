package dev.baton.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The persisted state of a task: its {@link TaskStatus}, since when it has had it, how many
 * consecutive runs have failed, the instant it waits for (SLEEPING: wake-up; FAULT: retry),
 * the last error and the handler's opaque checkpoint. Immutable; new states come from
 * {@link TaskStateMachine#apply}.
 *
 * <p>Stored as one small JSON object, for example
 * {@code {"state":"fault","since":"2024-05-01T10:00:00Z","attempts":2,"until":"2024-05-01T10:00:02Z","lastError":"java.io.IOException: disk full"}}.
 * {@link #decode} is strict: unknown fields, wrong types and states that break an invariant
 * (an {@code until} outside SLEEPING and FAULT, a FAULT without an error, oversized fields) are
 * refused with a {@link TaskFormatException}, so a corrupt record is reported, never run.
 */
public final class TaskState {

    /** The longest checkpoint, in UTF-8 bytes: 64 KiB. */
    public static final int MAX_CHECKPOINT_BYTES = 64 * 1024;
    /** The longest stored error, in characters; longer causes are cut. */
    public static final int MAX_ERROR_CHARS = 4096;
    /** The longest encoded state accepted by {@link #decode}: both limits plus room for the rest. */
    static final int MAX_ENCODED_BYTES = MAX_CHECKPOINT_BYTES * 2 + MAX_ERROR_CHARS * 6 + 1024;

    private static final String SUBJECT = "task state";
    private static final String CUT_MARK = "...";
    private static final Set<String> FIELDS = Set.of("state", "since", "attempts", "until", "lastError", "checkpoint");

    private final TaskStatus status;
    private final Instant since;
    private final int attempts;
    private final Instant until;
    private final String lastError;
    private final String checkpoint;

    private TaskState(TaskStatus status, Instant since, int attempts, Instant until, String lastError,
                      String checkpoint) {
        this.status = Objects.requireNonNull(status, "status");
        this.since = Objects.requireNonNull(since, "since");
        this.attempts = attempts;
        this.until = until;
        this.lastError = lastError;
        this.checkpoint = checkpoint;
    }

    /** A state built by the state machine; a broken invariant here is a bug, not bad input. */
    static TaskState of(TaskStatus status, Instant since, int attempts, Instant until, String lastError,
                        String checkpoint) {
        TaskState state = new TaskState(status, since, attempts, until, lastError, checkpoint);
        String broken = state.brokenInvariant();
        if (broken != null) {
            throw new IllegalArgumentException("task state " + state + " " + broken);
        }
        return state;
    }

    /** The state of a new task: RUNNABLE since {@code now}, nothing failed, no checkpoint. */
    public static TaskState initial(Instant now) {
        return of(TaskStatus.RUNNABLE, now, 0, null, null, null);
    }

    public TaskStatus status() {
        return status;
    }

    /** When the task entered its current status. */
    public Instant since() {
        return since;
    }

    /** Consecutive failed runs; reset to 0 when the handler reports progress. */
    public int attempts() {
        return attempts;
    }

    /** The wake-up instant while SLEEPING, the retry instant while FAULT; empty otherwise. */
    public Optional<Instant> until() {
        return Optional.ofNullable(until);
    }

    /** The cause of the most recent error, kept after recovery for introspection. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** The handler's most recent checkpoint. */
    public Optional<String> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    /** The stored JSON form; absent fields are omitted. */
    public String encode() {
        return JsonCodec.write(tree());
    }

    /** The stored form as a JSON object, for records that carry a state. */
    ObjectNode tree() {
        ObjectNode node = JsonCodec.newObject();
        node.put("state", status.wireName());
        node.put("since", IsoInstant.format(since));
        node.put("attempts", attempts);
        if (until != null) {
            node.put("until", IsoInstant.format(until));
        }
        if (lastError != null) {
            node.put("lastError", lastError);
        }
        if (checkpoint != null) {
            node.put("checkpoint", checkpoint);
        }
        return node;
    }

    /**
     * Reads the final state of a done record ({@code tasks/<id>/done}), which carries the task's
     * spec beside it; refuses anything a retirement could not have written.
     */
    public static TaskState decodeDone(String json) {
        return DoneTask.decode(json).state();
    }

    /** Reads a stored state, refusing anything {@link #encode} could not have written. */
    public static TaskState decode(String json) {
        return read(JsonRecord.parse(SUBJECT, json, MAX_ENCODED_BYTES, FIELDS));
    }

    /** Reads a state from a record that carries one beside other fields, taken out before. */
    static TaskState read(ObjectNode node) {
        return read(JsonRecord.of(SUBJECT, node, FIELDS));
    }

    private static TaskState read(JsonRecord record) {
        String name = record.requireText("state");
        TaskStatus status = TaskStatus.fromWireName(name).orElseThrow(() -> record.invalid(
                "field \"state\" must be one of runnable, paused, sleeping, fault, completed, failed, killed, is "
                        + Excerpt.of(name)));
        TaskState state = new TaskState(status, record.requireInstant("since"), record.requireNonNegativeInt("attempts"),
                record.optionalInstant("until").orElse(null), record.optionalText("lastError").orElse(null),
                record.optionalText("checkpoint").orElse(null));
        String broken = state.brokenInvariant();
        if (broken != null) {
            throw record.invalid(broken);
        }
        return state;
    }

    private String brokenInvariant() {
        if (attempts < 0) {
            return "has negative attempts " + attempts;
        }
        boolean waits = status == TaskStatus.SLEEPING || status == TaskStatus.FAULT;
        if (waits && until == null) {
            return "is " + status.wireName() + " and needs field \"until\"";
        }
        if (!waits && until != null) {
            return "is " + status.wireName() + " and must not have field \"until\"";
        }
        if (status == TaskStatus.FAULT && (attempts < 1 || lastError == null)) {
            return "is fault and needs attempts of at least 1 and field \"lastError\"";
        }
        if (lastError != null && lastError.length() > MAX_ERROR_CHARS) {
            return "has a lastError of " + lastError.length() + " characters, more than " + MAX_ERROR_CHARS;
        }
        if (checkpoint != null && JsonCodec.utf8Length(checkpoint) > MAX_CHECKPOINT_BYTES) {
            return "has a checkpoint of " + JsonCodec.utf8Length(checkpoint) + " bytes, more than "
                    + MAX_CHECKPOINT_BYTES;
        }
        return null;
    }

    static String boundedError(String cause) {
        if (cause.length() <= MAX_ERROR_CHARS) {
            return cause;
        }
        int keep = MAX_ERROR_CHARS - CUT_MARK.length();
        if (Character.isHighSurrogate(cause.charAt(keep - 1))) {
            keep--;
        }
        return cause.substring(0, keep) + CUT_MARK;
    }

    static String checkedCheckpoint(String checkpoint) {
        int size = JsonCodec.utf8Length(checkpoint);
        if (size > MAX_CHECKPOINT_BYTES) {
            throw new TaskFormatException("checkpoint", checkpoint,
                    "must be at most " + MAX_CHECKPOINT_BYTES + " bytes of UTF-8, is " + size);
        }
        return checkpoint;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TaskState that && status == that.status && since.equals(that.since)
                && attempts == that.attempts && Objects.equals(until, that.until)
                && Objects.equals(lastError, that.lastError) && Objects.equals(checkpoint, that.checkpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, since, attempts, until, lastError, checkpoint);
    }

    @Override
    public String toString() {
        return status + "{since=" + since + ", attempts=" + attempts
                + (until == null ? "" : ", until=" + until)
                + (lastError == null ? "" : ", lastError=" + Excerpt.of(lastError))
                + (checkpoint == null ? "" : ", checkpoint=" + Excerpt.of(checkpoint)) + "}";
    }
}
