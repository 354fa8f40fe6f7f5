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
            throw invalid(subject, value, "\"zone\" must be a string");
        }
        JsonNode exiting = node.get("exiting");
        if (exiting != null && !exiting.isBoolean()) {
            throw invalid(subject, value, "\"exiting\" must be true or false");
        }
        try {
            return new Member(id, zone.textValue(), nonNegativeInt(subject, node, "capacity", value),
                    exiting != null && exiting.booleanValue());
        } catch (IllegalArgumentException e) {
            throw invalid(subject, value, e.getMessage());
        }
    }

    private static ObjectNode object(String subject, byte[] value) {
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            String detail = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            throw invalid(subject, value, "not valid JSON: " + detail);
        }
        if (node == null || !node.isObject()) {
            throw invalid(subject, value, "must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private static int nonNegativeInt(String subject, ObjectNode node, String field, byte[] value) {
        JsonNode n = node.get(field);
        if (n == null || !n.canConvertToExactIntegral() || !n.canConvertToInt() || n.intValue() < 0) {
            throw invalid(subject, value, "\"" + field + "\" must be an integer from 0 to " + Integer.MAX_VALUE);
        }
        return n.intValue();
    }

    private static IllegalArgumentException invalid(String subject, byte[] value, String reason) {
        String text = new String(value, StandardCharsets.UTF_8);
        if (text.length() > QUOTE_LIMIT) {
            text = text.substring(0, QUOTE_LIMIT) + "...";
        }
        return new IllegalArgumentException(subject + ": stored value " + reason + ", got '"
                + text.replaceAll("\\p{Cntrl}", "?") + "'");
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}
