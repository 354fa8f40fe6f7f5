package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExcerptTest {

    static Stream<Arguments> shortValues() {
        return Stream.of(
                Arguments.of("abc", "\"abc\""),
                Arguments.of("", "\"\""),
                Arguments.of("a\"b", "\"a\\\"b\""),
                Arguments.of("a\\b", "\"a\\\\b\""));
    }

    @ParameterizedTest
    @MethodSource("shortValues")
    void shortValuesAreQuotedAndEscaped(String value, String expected) {
        assertThat(Excerpt.of(value)).isEqualTo(expected);
    }

    @Test
    void controlCharactersAreEscapedSoTheMessageStaysOnOneLine() {
        assertThat(Excerpt.of("a\nb\u0000")).isEqualTo("\"a\\u000ab\\u0000\"");
    }

    @Test
    void nullIsShownBare() {
        assertThat(Excerpt.of(null)).isEqualTo("null");
    }

    @Test
    void longValuesAreCutAndTheirLengthIsGiven() {
        String shown = Excerpt.of("x".repeat(1000));
        assertThat(shown).isEqualTo("\"" + "x".repeat(Excerpt.MAX_CHARS) + "\"... (1000 chars)");
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String value = "x".repeat(Excerpt.MAX_CHARS - 1) + "\uD83D\uDE00" + "tail";
        assertThat(Excerpt.of(value)).startsWith("\"" + "x".repeat(Excerpt.MAX_CHARS - 1) + "\"...");
    }
}
