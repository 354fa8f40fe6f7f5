package dev.baton.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Protobuf messages as etcd's gRPC-JSON gateway writes and reads them: proto field names, 64-bit
 * integers as strings, bytes in base64, enums by name, fields at their default left out. Reading
 * accepts a field by its proto name or its JSON (camel-case) name, 64-bit integers as strings or
 * numbers, enums by name or number.
 */
final class GatewayJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GatewayJson() {
    }

    static String write(Message message) {
        try {
            return MAPPER.writeValueAsString(toJson(message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + message.getDescriptorForType().getName(), e);
        }
    }

    private static ObjectNode toJson(Message message) {
        ObjectNode node = MAPPER.createObjectNode();
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor field = e.getKey();
            if (field.isRepeated()) {
                ArrayNode array = node.putArray(field.getName());
                for (Object value : (Iterable<?>) e.getValue()) {
                    addValue(array, field, value);
                }
            } else {
                ArrayNode one = MAPPER.createArrayNode();
                addValue(one, field, e.getValue());
                node.set(field.getName(), one.get(0));
            }
        }
        return node;
    }

    private static void addValue(ArrayNode array, FieldDescriptor field, Object value) {
        switch (field.getJavaType()) {
            case MESSAGE -> array.add(toJson((Message) value));
            case BYTE_STRING -> array.add(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> array.add(((EnumValueDescriptor) value).getName());
            case LONG -> array.add(field.getType() == FieldDescriptor.Type.UINT64
                    || field.getType() == FieldDescriptor.Type.FIXED64
                    ? Long.toUnsignedString((Long) value) : Long.toString((Long) value));
            case INT -> array.add(field.getType() == FieldDescriptor.Type.UINT32
                    || field.getType() == FieldDescriptor.Type.FIXED32
                    ? Integer.toUnsignedLong((Integer) value) : (long) (Integer) value);
            case BOOLEAN -> array.add((Boolean) value);
            case STRING -> array.add((String) value);
            case FLOAT -> array.add((Float) value);
            case DOUBLE -> array.add((Double) value);
        }
    }

    /**
     * Reads {@code json} into {@code builder}.
     *
     * @throws IllegalArgumentException naming the field or value that does not fit the message
     */
    static <B extends Message.Builder> B read(String json, B builder) {
        JsonNode node;
        try {
            node = json.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not JSON: " + e.getOriginalMessage());
        }
        fill(node, builder);
        return builder;
    }

    private static void fill(JsonNode node, Message.Builder builder) {
        Descriptor type = builder.getDescriptorForType();
        if (!node.isObject()) {
            throw new IllegalArgumentException(type.getName() + " must be a JSON object, was " + node);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            FieldDescriptor field = type.findFieldByName(e.getKey());
            if (field == null) {
                field = type.getFields().stream().filter(f -> f.getJsonName().equals(e.getKey())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(type.getName() + " has no field '"
                                + e.getKey() + "'"));
            }
            if (e.getValue().isNull()) {
                continue;
            }
            if (field.isRepeated()) {
                if (!e.getValue().isArray()) {
                    throw new IllegalArgumentException(type.getName() + "." + field.getName()
                            + " must be an array, was " + e.getValue());
                }
                for (JsonNode item : e.getValue()) {
                    builder.addRepeatedField(field, value(field, item, builder));
                }
            } else {
                builder.setField(field, value(field, e.getValue(), builder));
            }
        }
    }

    private static Object value(FieldDescriptor field, JsonNode node, Message.Builder parent) {
        String where = parent.getDescriptorForType().getName() + "." + field.getName();
        try {
            return switch (field.getJavaType()) {
                case MESSAGE -> {
                    Message.Builder child = parent.newBuilderForField(field);
                    fill(node, child);
                    yield child.build();
                }
                case BYTE_STRING -> base64(text(node, where), where);
                case ENUM -> node.isNumber() ? requireEnum(field, field.getEnumType().findValueByNumber(node.asInt()),
                        node, where) : requireEnum(field, field.getEnumType().findValueByName(text(node, where)), node,
                        where);
                case LONG -> field.getType() == FieldDescriptor.Type.UINT64
                        || field.getType() == FieldDescriptor.Type.FIXED64
                        ? Long.parseUnsignedLong(node.asText()) : Long.parseLong(node.asText());
                case INT -> Integer.parseInt(node.asText());
                case BOOLEAN -> {
                    if (!node.isBoolean()) {
                        throw new IllegalArgumentException(where + " must be true or false, was " + node);
                    }
                    yield node.asBoolean();
                }
                case STRING -> text(node, where);
                case FLOAT -> (float) node.asDouble();
                case DOUBLE -> node.asDouble();
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " must be a number, was " + node);
        }
    }

    private static String text(JsonNode node, String where) {
        if (!node.isTextual()) {
            throw new IllegalArgumentException(where + " must be a string, was " + node);
        }
        return node.asText();
    }

    private static EnumValueDescriptor requireEnum(FieldDescriptor field, EnumValueDescriptor value, JsonNode node,
            String where) {
        if (value == null) {
            throw new IllegalArgumentException(where + " has no value " + node + " (" + field.getEnumType().getName()
                    + ")");
        }
        return value;
    }

    private static ByteString base64(String text, String where) {
        try {
            return ByteString.copyFrom(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " must be base64, was \"" + text + "\"");
        }
    }
}
