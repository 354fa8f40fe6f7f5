package dev.baton.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskSubmission;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The input of {@code baton submit --batch}: JSON lines, one task each,
 * {@code {"id":"…","properties":{…},"notBefore":"<ISO-8601 instant>","options":{"timeout":"PT30S"}}}
 * with {@code properties} (default {@code {}}), {@code notBefore} and {@code options} (the task's
 * {@link TaskOptions} in their stored form: {@code timeout}, {@code priority}, {@code retry})
 * optional. Blank lines are skipped. Every line is
 * checked before anything is submitted; each bad one is reported with its line number and what
 * is wrong.
 */
final class BatchFile {

    private static final Set<String> FIELDS = Set.of("id", "properties", "notBefore", "options");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /**
     * What was read: the tasks in file order when {@code problems} is empty, otherwise one
     * {@code line N: what is wrong} per bad line.
     */
    record Contents(List<TaskSubmission> tasks, List<String> problems) {
    }

    private BatchFile() {
    }

    static Contents read(BufferedReader reader) throws IOException {
        List<TaskSubmission> tasks = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<TaskId, Integer> firstLine = new HashMap<>();
        int number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                TaskSubmission task = parse(line);
                Integer earlier = firstLine.putIfAbsent(task.id(), number);
                if (earlier != null) {
                    throw new IllegalArgumentException("id \"" + task.id() + "\" was already given on line " + earlier);
                }
                tasks.add(task);
            } catch (IllegalArgumentException e) {
                problems.add("line " + number + ": " + e.getMessage());
            }
        }
        return new Contents(List.copyOf(tasks), List.copyOf(problems));
    }

    /** One line as a task; an {@link IllegalArgumentException} (a {@code TaskFormatException} among them) says why not. */
    static TaskSubmission parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("must be a JSON object {\"id\":…,\"properties\":{…},\"notBefore\":…}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field \"" + name + "\"; expected id, properties, notBefore, options");
            }
        }
        JsonNode id = node.get("id");
        if (id == null || !id.isTextual()) {
            throw new IllegalArgumentException("field \"id\" must be a string, is " + (id == null ? "missing" : excerpt(id)));
        }
        TaskId task = TaskId.of(id.textValue());
        JsonNode properties = node.get("properties");
        TaskProperties taskProperties = TaskProperties.empty();
        if (properties != null) {
            if (!properties.isObject()) {
                throw new IllegalArgumentException("field \"properties\" must be a JSON object, is " + excerpt(properties));
            }
            taskProperties = TaskProperties.of((ObjectNode) properties);
        }
        return new TaskSubmission(task, taskProperties, notBefore(node.get("notBefore")), options(node.get("options")));
    }

    private static Optional<Instant> notBefore(JsonNode notBefore) {
        if (notBefore == null) {
            return Optional.empty();
        }
        if (!notBefore.isTextual()) {
            throw badNotBefore(notBefore);
        }
        try {
            return Optional.of(Instant.parse(notBefore.textValue()));
        } catch (DateTimeParseException e) {
            throw badNotBefore(notBefore);
        }
    }

    private static IllegalArgumentException badNotBefore(JsonNode notBefore) {
        return new IllegalArgumentException("field \"notBefore\" must be an ISO-8601 instant such as "
                + "\"2030-01-01T00:00:00Z\", is " + excerpt(notBefore));
    }

    private static TaskOptions options(JsonNode options) {
        if (options == null) {
            return TaskOptions.defaults();
        }
        if (!options.isObject()) {
            throw new IllegalArgumentException("field \"options\" must be a JSON object, is " + excerpt(options));
        }
        return TaskOptions.parse(options.toString());
    }

    /** A value as JSON, cut to 64 characters. */
    private static String excerpt(JsonNode value) {
        String text = value.toString();
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
