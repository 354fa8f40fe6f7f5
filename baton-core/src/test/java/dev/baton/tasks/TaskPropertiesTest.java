package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskPropertiesTest {

    static Stream<Arguments> validJson() {
        return Stream.of(
                Arguments.of("{}", "{}"),
                Arguments.of(" { \"a\" : 1 } ", "{\"a\":1}"),
                Arguments.of("{\"nested\":{\"list\":[1,\"two\",null,true]}}", "{\"nested\":{\"list\":[1,\"two\",null,true]}}"),
                Arguments.of("{\"price\":0.1}", "{\"price\":0.1}"),
                Arguments.of("{\"big\":123456789012345678901234567890}", "{\"big\":123456789012345678901234567890}"),
                Arguments.of("{\"exact\":3.14159265358979323846264338327950288}",
                        "{\"exact\":3.14159265358979323846264338327950288}"),
                Arguments.of("{\"text\":\"caf\\u00e9 \\n\"}", "{\"text\":\"café \\n\"}"),
                Arguments.of("{\"one\":1.0,\"tenth\":0.10}", "{\"one\":1,\"tenth\":0.1}"));
    }

    @ParameterizedTest
    @MethodSource("validJson")
    void objectsAreAcceptedAndStoredCompactWithExactNumbers(String input, String stored) {
        assertThat(TaskProperties.parse(input).json()).isEqualTo(stored);
    }

    @ParameterizedTest
    @MethodSource("validJson")
    void propertiesReadBackFromTheirStoredTextEqualThoseStored(String input, String stored) {
        TaskProperties properties = TaskProperties.parse(input);

        TaskProperties read = TaskProperties.read(JsonCodec.readObject("test", properties.json(), Integer.MAX_VALUE));

        assertThat(read).isEqualTo(properties);
        assertThat(read.json()).isEqualTo(stored);
    }

    @Property(tries = 500)
    void anyStoredNumberReadsBackAsTheSameProperties(@ForAll long unscaled,
                                                     @ForAll @IntRange(min = -40, max = 40) int scale,
                                                     @ForAll @IntRange(min = 0, max = 3) int trailingZeros) {
        String number = new BigDecimal(BigInteger.valueOf(unscaled), scale)
                + (scale > 0 ? "0".repeat(trailingZeros) : "");
        TaskProperties properties = TaskProperties.parse("{\"n\":" + number + ",\"list\":[" + number + "]}");

        TaskProperties read = TaskProperties.read(JsonCodec.readObject("test", properties.json(), Integer.MAX_VALUE));

        assertThat(read).isEqualTo(properties);
        assertThat(read.json()).isEqualTo(properties.json());
    }

    static Stream<Arguments> invalidJson() {
        return Stream.of(
                Arguments.of("", "must be a JSON object, is empty"),
                Arguments.of("   ", "must be a JSON object, is empty"),
                Arguments.of("[]", "must be a JSON object, is array"),
                Arguments.of("42", "must be a JSON object, is number"),
                Arguments.of("\"text\"", "must be a JSON object, is string"),
                Arguments.of("null", "must be a JSON object, is null"),
                Arguments.of("{", "not valid JSON"),
                Arguments.of("{\"a\":}", "not valid JSON"),
                Arguments.of("{'a':1}", "not valid JSON"),
                Arguments.of("{\"a\":1}{}", "not valid JSON"),
                Arguments.of("{\"a\":1,\"a\":2}", "Duplicate field 'a'"),
                Arguments.of("{\"tiny\":1e-2147483648}", "not valid JSON: Value \"1e-2147483648\""),
                Arguments.of("{\"s\":[\"\\ud800\"]}", "the string at /s/0 has an unpaired surrogate U+D800 (at index 0)"),
                Arguments.of("{\"\\udc00\":1}", "the string at /\udc00 (the field name) has an unpaired surrogate U+DC00"),
                Arguments.of("{\"pad\":\"" + "x".repeat(TaskProperties.MAX_ENCODED_BYTES) + "\"}",
                        "must be at most 65536 bytes of UTF-8, is 65546"));
    }

    @ParameterizedTest
    @MethodSource("invalidJson")
    void anythingButABoundedObjectIsRefusedNamingTheRule(String input, String rule) {
        assertThatThrownBy(() -> TaskProperties.parse(input))
                .isInstanceOf(TaskFormatException.class)
                .hasMessageStartingWith("invalid task properties " + Excerpt.of(input) + ": ")
                .hasMessageContaining(rule);
    }

    @Test
    void parseErrorsSayWhere() {
        assertThatThrownBy(() -> TaskProperties.parse("{\n\"a\": tru}"))
                .hasMessageContaining("at line 2, column");
    }

    @Test
    void aTreeIsKeptAsItReadsBackFromTheStore() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode().put("d", 0.5).put("f", 1.5f)
                .put("whole", new BigDecimal("2045109220e-1"));
        TaskProperties properties = TaskProperties.of(tree);
        assertThat(properties.json()).isEqualTo("{\"d\":0.5,\"f\":1.5,\"whole\":204510922}");
        assertThat(TaskProperties.parse(properties.json())).isEqualTo(properties);
    }

    @Test
    void treesJsonCannotCarryAreRefused() {
        assertThatThrownBy(() -> TaskProperties.of(JsonNodeFactory.instance.objectNode().put("n", Double.NaN)))
                .isInstanceOf(TaskFormatException.class).hasMessageContaining("'NaN'");
        ObjectNode deep = JsonNodeFactory.instance.objectNode();
        ObjectNode level = deep;
        for (int i = 0; i < 5000; i++) {
            level = level.putObject("a");
        }
        assertThatThrownBy(() -> TaskProperties.of(deep))
                .isInstanceOf(TaskFormatException.class).hasMessageContaining("cannot be written as JSON");
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> TaskProperties.parse(null))
                .isInstanceOf(TaskFormatException.class)
                .hasMessage("invalid task properties null: must not be null");
    }

    @Test
    void aTreeWhoseEncodingIsTooLargeIsRefused() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < 20_000; i++) {
            tree.put("k" + i, i);
        }
        assertThatThrownBy(() -> TaskProperties.of(tree))
                .isInstanceOf(TaskFormatException.class)
                .hasMessageContaining("encoded form must be at most 65536 bytes of UTF-8");
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
        String justFits = "{\"p\":\"" + "é".repeat((TaskProperties.MAX_ENCODED_BYTES - 8) / 2) + "\"}";
        assertThat(TaskProperties.parse(justFits).json()).isEqualTo(justFits);
        String tooLong = "{\"p\":\"" + "é".repeat((TaskProperties.MAX_ENCODED_BYTES - 8) / 2 + 1) + "\"}";
        assertThatThrownBy(() -> TaskProperties.parse(tooLong)).hasMessageContaining("is 65538");
    }

    @Test
    void propertiesAreImmutable() {
        ObjectNode source = JsonNodeFactory.instance.objectNode().put("a", 1);
        TaskProperties properties = TaskProperties.of(source);
        source.put("a", 2);
        properties.tree().put("a", 3);
        assertThat(properties.json()).isEqualTo("{\"a\":1}");
    }

    @Test
    void equalityIgnoresFieldOrder() {
        assertThat(TaskProperties.parse("{\"a\":1,\"b\":2}"))
                .isEqualTo(TaskProperties.parse("{\"b\":2,\"a\":1}"))
                .hasSameHashCodeAs(TaskProperties.parse("{\"b\":2,\"a\":1}"))
                .isNotEqualTo(TaskProperties.parse("{\"a\":1}"));
        assertThat(TaskProperties.empty()).isEqualTo(TaskProperties.parse("{}"));
    }
}
