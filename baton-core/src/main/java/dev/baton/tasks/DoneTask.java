package dev.baton.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a retirement stores under {@code tasks/<id>/done}: the task's final state, with the spec it
 * was submitted with under {@code "task"}, so a done task still shows its properties, submit
 * instant and not-before after its spec record is gone, for example
 * {@code {"state":"completed","since":"…","attempts":1,"task":{"properties":{…},"submitted":"…"}}}.
 * A done record without {@code "task"} (written before retirements kept the spec) reads as a
 * final state alone.
 */
record DoneTask(TaskState state, Optional<TaskSpec> spec) {

    private static final String SUBJECT = "done record";
    private static final String SPEC_FIELD = "task";
    static final int MAX_ENCODED_BYTES = TaskState.MAX_ENCODED_BYTES + TaskSpec.MAX_ENCODED_BYTES + 16;

    DoneTask {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(spec, "spec");
    }

    String encode() {
        ObjectNode node = state.tree();
        spec.ifPresent(submitted -> node.set(SPEC_FIELD, submitted.tree()));
        return JsonCodec.write(node);
    }

    /** Reads a done record, refusing anything {@link #encode} could not have written. */
    static DoneTask decode(String json) {
        ObjectNode node = JsonCodec.readObject(SUBJECT, json, MAX_ENCODED_BYTES);
        JsonNode spec = node.remove(SPEC_FIELD);
        if (spec != null && !spec.isObject()) {
            throw new TaskFormatException(SUBJECT, json, "field \"" + SPEC_FIELD + "\" must be a JSON object");
        }
        TaskState state = TaskState.decode(JsonCodec.write(node));
        return new DoneTask(state, spec == null ? Optional.empty() : Optional.of(TaskSpec.decode(JsonCodec.write(spec))));
    }
}
