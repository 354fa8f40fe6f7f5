package dev.baton.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What a completed task produced: one JSON object of at most {@value #MAX_ENCODED_BYTES} bytes
 * in its compact UTF-8 encoding, set by the handler ({@link TaskContext#result}) and kept in
 * the task's done record. Larger output belongs in a store of its own, with the result naming
 * where. Immutable; numbers keep their exact decimal value, as in {@link TaskProperties}.
 */
public final class TaskResult {

    /** The largest stored encoding, in UTF-8 bytes: 8 KiB. */
    public static final int MAX_ENCODED_BYTES = 8 * 1024;

    private static final String SUBJECT = "task result";

    private final String json;

    private TaskResult(String json) {
        this.json = json;
    }

    /**
     * Parses a JSON object.
     *
     * @throws TaskFormatException when {@code json} is not one JSON object, or its encoding is
     *                             larger than {@value #MAX_ENCODED_BYTES} bytes (naming the size)
     */
    public static TaskResult parse(String json) {
        Objects.requireNonNull(json, "json");
        return new TaskResult(JsonCodec.stable(SUBJECT,
                JsonCodec.write(JsonCodec.readObject(SUBJECT, json, MAX_ENCODED_BYTES)), MAX_ENCODED_BYTES));
    }

    /** A result holding {@code tree}; refused as {@link #parse} refuses. */
    public static TaskResult of(ObjectNode tree) {
        return new TaskResult(JsonCodec.stable(SUBJECT,
                JsonCodec.writeInput(SUBJECT, Objects.requireNonNull(tree, "tree")), MAX_ENCODED_BYTES));
    }

    /** The compact JSON encoding, as stored. */
    public String json() {
        return json;
    }

    /** A copy of the object. */
    public ObjectNode tree() {
        return JsonCodec.readObject(SUBJECT, json, MAX_ENCODED_BYTES);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TaskResult that && json.equals(that.json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return json;
    }
}
