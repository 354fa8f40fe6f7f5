package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.tasks.TaskProperties;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a command task runs, as stored in its properties:
 * {@code {"argv":["cmd","arg",...],"timeout":"PT60S"}} ({@code timeout} optional: the command's own
 * deadline, for tasks submitted through the API; {@code baton submit --timeout} sets the task's run
 * timeout, {@code TaskOptions.timeout}, which every member enforces for any handler). The argv is
 * executed directly, without a shell; a task that wants one asks for it ({@code sh -c "..."}).
 *
 * @param argv    the program and its arguments; never empty
 * @param timeout how long a run may take before it is killed and counted as a failure
 */
record CommandTask(List<String> argv, Optional<Duration> timeout) {

    CommandTask {
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("a command task needs a program to run, got argv " + argv);
        }
        if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
            throw new IllegalArgumentException("a command timeout must be positive, got " + timeout.get());
        }
    }

    TaskProperties toProperties() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        ArrayNode args = tree.putArray("argv");
        argv.forEach(args::add);
        timeout.ifPresent(t -> tree.put("timeout", t.toString()));
        return TaskProperties.of(tree);
    }

    /**
     * Reads a command task from a task's properties.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    static CommandTask from(TaskProperties properties) {
        ObjectNode tree = properties.tree();
        JsonNode argvNode = tree.get("argv");
        if (argvNode == null || !argvNode.isArray()) {
            throw new IllegalArgumentException("task properties " + properties.json()
                    + " have no \"argv\" array of strings");
        }
        List<String> argv = new ArrayList<>();
        for (JsonNode arg : argvNode) {
            if (!arg.isTextual()) {
                throw new IllegalArgumentException("argv entry " + arg + " is not a string");
            }
            argv.add(arg.asText());
        }
        JsonNode timeoutNode = tree.get("timeout");
        Optional<Duration> timeout = Optional.empty();
        if (timeoutNode != null && !timeoutNode.isNull()) {
            try {
                timeout = Optional.of(Duration.parse(timeoutNode.asText()));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("timeout " + timeoutNode + " is not an ISO-8601 duration");
            }
        }
        return new CommandTask(argv, timeout);
    }
}
