package dev.baton.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.tasks.TaskState;
import java.time.Duration;
import java.util.Optional;

/**
 * How one run of a command task ended. A successful run is stored as the task's checkpoint, in
 * {@link #toJson()} form, so the finished task keeps it; a failed one as the task's last error,
 * in {@link #failureMessage()} form.
 *
 * @param exitCode the process's exit status; -1 when it was killed for its timeout
 * @param duration from start to exit
 * @param timedOut whether it was killed because its timeout passed
 * @param output   the last {@link CommandExecution#OUTPUT_TAIL_BYTES} bytes of its standard output
 *                 and error, interleaved as written
 */
record CommandResult(int exitCode, Duration duration, boolean timedOut, String output) {
    private static final ObjectMapper JSON = new ObjectMapper();

    boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    String toJson() {
        ObjectNode tree = JSON.createObjectNode()
                .put("exitCode", exitCode)
                .put("durationMs", duration.toMillis())
                .put("timedOut", timedOut)
                .put("output", output);
        return tree.toString();
    }

    /** A result stored by {@link #toJson()}; empty when the text is not one. */
    static Optional<CommandResult> fromJson(String text) {
        try {
            JsonNode tree = JSON.readTree(text);
            if (tree == null || !tree.has("exitCode") || !tree.has("durationMs")) {
                return Optional.empty();
            }
            return Optional.of(new CommandResult(tree.get("exitCode").asInt(),
                    Duration.ofMillis(tree.get("durationMs").asLong()), tree.path("timedOut").asBoolean(),
                    tree.path("output").asText("")));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /**
     * One line saying how the run failed, followed by as much of the output's end as fits in a
     * task's last error ({@value TaskState#MAX_ERROR_CHARS} characters).
     */
    String failureMessage() {
        String head = (timedOut ? "timed out after " + duration.toMillis() + " ms"
                : "exit code " + exitCode + " after " + duration.toMillis() + " ms") + "; output:\n";
        int room = TaskState.MAX_ERROR_CHARS - head.length();
        String tail = output.length() <= room ? output : output.substring(output.length() - room);
        return head + tail;
    }
}
