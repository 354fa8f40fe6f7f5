package dev.baton.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A JSON object read as a record with a fixed set of fields: unknown fields and fields of the
 * wrong type are refused, each with an error that names the field and quotes the whole input (for
 * a record read from a tree, the object itself).
 */
final class JsonRecord {

    private final String subject;
    /** The text the record was parsed from; null for a record read from a tree. */
    private final String source;
    private final ObjectNode node;

    private JsonRecord(String subject, String source, ObjectNode node) {
        this.subject = subject;
        this.source = source;
        this.node = node;
    }

    /** Parses {@code text} and refuses any field outside {@code allowedFields}. */
    static JsonRecord parse(String subject, String text, int maxBytes, Set<String> allowedFields) {
        return checked(new JsonRecord(subject, text, JsonCodec.readObject(subject, text, maxBytes)), allowedFields);
    }

    /**
     * Reads an object already parsed (one nested in a record, or a record with its nested ones
     * taken out), refusing any field outside {@code allowedFields}, without writing it out and
     * parsing it again.
     */
    static JsonRecord of(String subject, ObjectNode node, Set<String> allowedFields) {
        return checked(new JsonRecord(subject, null, node), allowedFields);
    }

    private static JsonRecord checked(JsonRecord record, Set<String> allowedFields) {
        for (Iterator<String> names = record.node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw record.invalid("unknown field \"" + name + "\"; expected only "
                        + String.join(", ", allowedFields.stream().sorted().toList()));
            }
        }
        return record;
    }

    boolean has(String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    String requireText(String field) {
        return optionalText(field).orElseThrow(() -> missing(field));
    }

    Optional<String> optionalText(String field) {
        JsonNode value = present(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw wrongType(field, "a string", value);
        }
        return Optional.of(value.textValue());
    }

    int requireNonNegativeInt(String field) {
        JsonNode value = present(field);
        if (value == null) {
            throw missing(field);
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw wrongType(field, "a non-negative 32-bit integer", value);
        }
        return value.intValue();
    }

    /** A 32-bit integer of any sign, {@code absent} when the field is missing. */
    int optionalInt(String field, int absent) {
        JsonNode value = present(field);
        if (value == null) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(field, "a 32-bit integer", value);
        }
        return value.intValue();
    }

    double requireDouble(String field) {
        JsonNode value = present(field);
        if (value == null) {
            throw missing(field);
        }
        if (!value.isNumber()) {
            throw wrongType(field, "a number", value);
        }
        return value.doubleValue();
    }

    Duration requireDuration(String field) {
        return optionalDuration(field).orElseThrow(() -> missing(field));
    }

    Optional<Duration> optionalDuration(String field) {
        return optionalParsed(field, Duration::parse, "an ISO-8601 duration such as PT30S");
    }

    /** A string field read by {@code parser}, which throws {@link DateTimeParseException} for a bad value. */
    private <T> Optional<T> optionalParsed(String field, Function<String, T> parser, String expected) {
        Optional<String> text = optionalText(field);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(text.get()));
        } catch (DateTimeParseException e) {
            throw invalid("field \"" + field + "\" must be " + expected + ", is " + Excerpt.of(text.get()));
        }
    }

    ObjectNode requireObject(String field) {
        JsonNode value = present(field);
        if (value == null) {
            throw missing(field);
        }
        if (!value.isObject()) {
            throw wrongType(field, "a JSON object", value);
        }
        return (ObjectNode) value;
    }

    boolean requireBoolean(String field) {
        JsonNode value = present(field);
        if (value == null) {
            throw missing(field);
        }
        if (!value.isBoolean()) {
            throw wrongType(field, "true or false", value);
        }
        return value.booleanValue();
    }

    Instant requireInstant(String field) {
        return optionalInstant(field).orElseThrow(() -> missing(field));
    }

    Optional<Instant> optionalInstant(String field) {
        return optionalParsed(field, IsoInstant::parse, "an ISO-8601 instant such as 2024-01-31T12:00:00Z");
    }

    TaskFormatException invalid(String rule) {
        return new TaskFormatException(subject, source != null ? source : JsonCodec.write(node), rule);
    }

    private JsonNode present(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private TaskFormatException missing(String field) {
        return invalid("field \"" + field + "\" is required");
    }

    private TaskFormatException wrongType(String field, String expected, JsonNode actual) {
        return invalid("field \"" + field + "\" must be " + expected + ", is "
                + (actual.isNumber() || actual.isBoolean() ? actual.toString()
                        : actual.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
}
