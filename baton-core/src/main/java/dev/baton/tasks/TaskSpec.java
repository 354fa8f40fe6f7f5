package dev.baton.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a submit stores under {@code tasks/<id>/spec}: the properties, the submit instant, the
 * optional not-before instant and the {@link TaskOptions} when any differs from its default, as
 * one JSON object such as
 * {@code {"properties":{"url":"..."},"submitted":"2024-05-01T10:00:00.123456Z","notBefore":"2024-05-01T11:00:00Z","options":{"priority":5}}}.
 * The submit instant has the submitter's clock resolution, which also makes a submitter's own
 * write recognisable when it reads back after an unknown outcome.
 */
record TaskSpec(TaskProperties properties, Instant submitted, Optional<Instant> notBefore, TaskOptions options) {

    private static final String SUBJECT = "task spec";
    private static final Set<String> FIELDS = Set.of("properties", "submitted", "notBefore", "options");
    /** Room for the two instants, the options and the field names around the largest properties. */
    static final int MAX_ENCODED_BYTES = TaskProperties.MAX_ENCODED_BYTES + TaskOptions.MAX_ENCODED_BYTES + 256;

    TaskSpec {
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(submitted, "submitted");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(options, "options");
    }

    /** A spec with the default options. */
    TaskSpec(TaskProperties properties, Instant submitted, Optional<Instant> notBefore) {
        this(properties, submitted, notBefore, TaskOptions.defaults());
    }

    /** True when the task's handler may start at {@code now}: its not-before instant, if any, has come. */
    boolean startableAt(Instant now) {
        return notBefore.map(instant -> !instant.isAfter(now)).orElse(true);
    }

    String encode() {
        return JsonCodec.write(tree());
    }

    /**
     * The stored form as a JSON object, for records that carry a spec; it shares the properties'
     * object, so it is only written, never changed.
     */
    ObjectNode tree() {
        ObjectNode node = JsonCodec.newObject();
        node.set("properties", properties.treeToWrite());
        node.put("submitted", IsoInstant.format(submitted));
        notBefore.ifPresent(instant -> node.put("notBefore", IsoInstant.format(instant)));
        if (!options.isDefault()) {
            node.set("options", options.tree());
        }
        return node;
    }

    static TaskSpec decode(String json) {
        return read(JsonRecord.parse(SUBJECT, json, MAX_ENCODED_BYTES, FIELDS));
    }

    /** Reads a spec nested in another record (a done record keeps one). */
    static TaskSpec read(ObjectNode node) {
        return read(JsonRecord.of(SUBJECT, node, FIELDS));
    }

    private static TaskSpec read(JsonRecord record) {
        TaskProperties properties;
        try {
            properties = TaskProperties.read(record.requireObject("properties"));
        } catch (TaskFormatException e) {
            throw record.invalid("field \"properties\": " + e.rule());
        }
        TaskOptions options;
        try {
            options = record.has("options")
                    ? TaskOptions.read(record.requireObject("options")) : TaskOptions.defaults();
        } catch (TaskFormatException e) {
            throw record.invalid("field \"options\": " + e.rule());
        }
        return new TaskSpec(properties, record.requireInstant("submitted"), record.optionalInstant("notBefore"),
                options);
    }
}
