package dev.baton.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a retirement stores under {@code tasks/<id>/done}: the task's final state, with the spec it
 * was submitted with under {@code "task"}, so a done task still shows its properties, submit
 * instant, not-before and options after its spec record is gone, and the handler's result under
 * {@code "result"} when a completing run set one, for example
 * {@code {"state":"completed","since":"…","attempts":1,"task":{"properties":{…},"submitted":"…"},"result":{"rows":12}}}.
 * A done record without {@code "task"} (written before retirements kept the spec) reads as a
 * final state alone.
 */
record DoneTask(TaskState state, Optional<TaskSpec> spec, Optional<TaskResult> result) {

    private static final String SUBJECT = "done record";
    private static final String SPEC_FIELD = "task";
    private static final String RESULT_FIELD = "result";
    static final int MAX_ENCODED_BYTES = TaskState.MAX_ENCODED_BYTES + TaskSpec.MAX_ENCODED_BYTES
            + TaskResult.MAX_ENCODED_BYTES + 32;

    DoneTask {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(result, "result");
    }

    String encode() {
        ObjectNode node = state.tree();
        spec.ifPresent(submitted -> node.set(SPEC_FIELD, submitted.tree()));
        result.ifPresent(produced -> node.set(RESULT_FIELD, produced.tree()));
        return JsonCodec.write(node);
    }

    /** Reads a done record, refusing anything {@link #encode} could not have written. */
    static DoneTask decode(String json) {
        ObjectNode node = JsonCodec.readObject(SUBJECT, json, MAX_ENCODED_BYTES);
        ObjectNode spec = objectField(node, SPEC_FIELD, json);
        ObjectNode result = objectField(node, RESULT_FIELD, json);
        return new DoneTask(TaskState.read(node), Optional.ofNullable(spec).map(TaskSpec::read),
                Optional.ofNullable(result).map(TaskResult::of));
    }

    /** Takes {@code field} out of {@code node}: null when absent, refused when not an object. */
    private static ObjectNode objectField(ObjectNode node, String field, String json) {
        JsonNode value = node.remove(field);
        if (value != null && !value.isObject()) {
            throw new TaskFormatException(SUBJECT, json, "field \"" + field + "\" must be a JSON object");
        }
        return (ObjectNode) value;
    }
}
