package dev.baton.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The one JSON dialect of the task model: strict on input (no duplicate fields, no trailing
 * tokens, exact decimals) and compact on output, with size limits measured in UTF-8 bytes,
 * which is what the store counts.
 */
final class JsonCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // NaN and infinities are written bare, so reading them back fails with a clear error
            // instead of turning them into strings.
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private JsonCodec() {
    }

    /**
     * Parses {@code text} as one JSON object of at most {@code maxBytes} UTF-8 bytes. The size
     * is checked before parsing so oversized input costs no parse.
     */
    static ObjectNode readObject(String subject, String text, int maxBytes) {
        if (text == null) {
            throw new TaskFormatException(subject, null, "must not be null");
        }
        int size = utf8Length(text);
        if (size > maxBytes) {
            throw new TaskFormatException(subject, text,
                    "must be at most " + maxBytes + " bytes of UTF-8, is " + size);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new TaskFormatException(subject, text, "not valid JSON: " + e.getOriginalMessage() + where, e);
        } catch (NumberFormatException e) {
            // A number whose exponent no BigDecimal can hold, such as 1e-2147483648.
            throw new TaskFormatException(subject, text, "not valid JSON: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new TaskFormatException(subject, text, "must be a JSON object, is empty");
        }
        if (!node.isObject()) {
            throw new TaskFormatException(subject, text,
                    "must be a JSON object, is " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        checkStorable(subject, text, node);
        return (ObjectNode) node;
    }

    /**
     * Refuses a tree that UTF-8 cannot store exactly: a string or field name with an unpaired
     * surrogate (which JSON can escape, but which would be stored as '?' and read back as another
     * value). The tree is walked without recursion, so no depth overflows the stack.
     */
    static void checkStorable(String subject, String source, JsonNode root) {
        Deque<Map.Entry<String, JsonNode>> pending = new ArrayDeque<>();
        pending.push(Map.entry("", root));
        while (!pending.isEmpty()) {
            Map.Entry<String, JsonNode> next = pending.pop();
            String path = next.getKey();
            JsonNode node = next.getValue();
            if (node.isTextual()) {
                checkWellFormed(subject, source, path, node.textValue());
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    pending.push(Map.entry(path + "/" + i, node.get(i)));
                }
            } else if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    String fieldPath = path + "/" + field.getKey();
                    checkWellFormed(subject, source, fieldPath + " (the field name)", field.getKey());
                    pending.push(Map.entry(fieldPath, field.getValue()));
                }
            }
        }
    }

    private static void checkWellFormed(String subject, String source, String path, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new TaskFormatException(subject, source, String.format(
                        "the string at %s has an unpaired surrogate U+%04X (at index %d), which UTF-8 cannot store",
                        path.isEmpty() ? "/" : path, (int) c, i));
            }
        }
    }

    /**
     * The encoding of the object {@code json} once it reads back as itself, refused when it is
     * larger than {@code maxBytes}: a decimal read back loses its trailing zeros (1.50 becomes
     * 1.5) and then, when they were all of its fraction, reads back as an integer (204.0 becomes
     * 204). Two rounds reach that point; the bound only guards the loop. A value kept in this
     * form compares equal to itself after a trip through the store.
     */
    static String stable(String subject, String json, int maxBytes) {
        requireEncodedAtMost(subject, json, maxBytes);
        String stored = json;
        for (int round = 0; round < 4; round++) {
            String written = write(readObject(subject, stored, maxBytes));
            if (written.equals(stored)) {
                break;
            }
            stored = written;
        }
        return stored;
    }

    static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    /** Refuses an encoded form of more than {@code maxBytes} UTF-8 bytes. */
    static void requireEncodedAtMost(String subject, String json, int maxBytes) {
        int size = utf8Length(json);
        if (size > maxBytes) {
            throw new TaskFormatException(subject, json,
                    "encoded form must be at most " + maxBytes + " bytes of UTF-8, is " + size);
        }
    }

    /** Writes a tree given as input, refusing one that cannot be written (nested over 1,000 deep). */
    static String writeInput(String subject, JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new TaskFormatException(subject, "<a JSON tree>", "cannot be written as JSON: " + e.getOriginalMessage(),
                    e);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /** The UTF-8 length of {@code text}, counting an unpaired surrogate as the 1 byte '?' it becomes. */
    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
