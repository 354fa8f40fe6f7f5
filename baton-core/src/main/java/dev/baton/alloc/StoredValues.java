package dev.baton.alloc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The JSON values of item and member keys. Strict on input (an object, no duplicate fields,
 * fields of the right type), tolerant of fields it does not know so that later versions can add
 * some. Every error names the key's id and the rejected text.
 */
final class StoredValues {

    /** Longest stored value echoed back in an error message. */
    private static final int QUOTE_LIMIT = 200;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StoredValues() {
    }

    /** {@code {"replicas":N}}. */
    static byte[] item(Item item) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("replicas", item.replicas());
        return bytes(node);
    }

    static Item decodeItem(String id, byte[] value) {
        String subject = "item '" + id + "'";
        ObjectNode node = object(subject, value);
        return new Item(id, nonNegativeInt(subject, node, "replicas", value));
    }

    /** {@code {"zone":Z,"capacity":C,"exiting":B}}. */
    static byte[] member(Member member) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("zone", member.zone());
        node.put("capacity", member.capacity());
        node.put("exiting", member.exiting());
        return bytes(node);
    }

    static Member decodeMember(String id, byte[] value) {
        String subject = "member '" + id + "'";
        ObjectNode node = object(subject, value);
        JsonNode zone = node.get("zone");
        if (zone == null || !zone.isTextual()) {
            throw invalid(subject, value, "has no string \"zone\"");
        }
        JsonNode exiting = node.get("exiting");
        if (exiting != null && !exiting.isBoolean()) {
            throw invalid(subject, value, "has an \"exiting\" that is neither true nor false");
        }
        try {
            return new Member(id, zone.textValue(), nonNegativeInt(subject, node, "capacity", value),
                    exiting != null && exiting.booleanValue());
        } catch (IllegalArgumentException e) {
            throw invalid(subject, value, "is refused: " + e.getMessage());
        }
    }

    private static ObjectNode object(String subject, byte[] value) {
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            // Jackson's own message quotes the input at length; the position is what helps.
            String where = e instanceof JsonProcessingException p && p.getLocation() != null
                    ? " (line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ")" : "";
            throw invalid(subject, value, "is not valid JSON" + where);
        }
        if (node == null || !node.isObject()) {
            throw invalid(subject, value, "is not a JSON object");
        }
        return (ObjectNode) node;
    }

    private static int nonNegativeInt(String subject, ObjectNode node, String field, byte[] value) {
        JsonNode n = node.get(field);
        if (n == null || !n.canConvertToExactIntegral() || !n.canConvertToInt() || n.intValue() < 0) {
            throw invalid(subject, value, "has no \"" + field + "\" integer from 0 to " + Integer.MAX_VALUE);
        }
        return n.intValue();
    }

    private static IllegalArgumentException invalid(String subject, byte[] value, String reason) {
        String text = new String(value, StandardCharsets.UTF_8);
        if (text.length() > QUOTE_LIMIT) {
            text = text.substring(0, QUOTE_LIMIT) + "...";
        }
        return new IllegalArgumentException(subject + ": stored value '" + text.replaceAll("\\p{Cntrl}", "?") + "' " + reason);
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}
