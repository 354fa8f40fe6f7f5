package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskIdTest {

    static Stream<String> validIds() {
        return Stream.of(
                "a",
                "task-1",
                "report.2024-05-01_eu",
                "with space",
                "ünïcödé",
                "emoji-\uD83D\uDE00",
                "x".repeat(128),
                "é".repeat(64));
    }

    @ParameterizedTest
    @MethodSource("validIds")
    void validIdsAreAcceptedUnchanged(String value) {
        assertThat(TaskId.of(value).value()).isEqualTo(value);
        assertThat(TaskId.of(value)).hasToString(value);
    }

    static Stream<Arguments> invalidIds() {
        return Stream.of(
                Arguments.of("", "must not be empty"),
                Arguments.of("a/b", "must not contain '/' (at index 1)"),
                Arguments.of("/", "must not contain '/' (at index 0)"),
                Arguments.of("a\nb", "must not contain control character U+000A (at index 1)"),
                Arguments.of("\u0000", "must not contain control character U+0000 (at index 0)"),
                Arguments.of("del\u007f", "must not contain control character U+007F (at index 3)"),
                Arguments.of("c1\u0085", "must not contain control character U+0085 (at index 2)"),
                Arguments.of("tab\tx", "must not contain control character U+0009 (at index 3)"),
                Arguments.of("bad\uD800", "has an unpaired surrogate U+D800 (at index 3)"),
                Arguments.of("\uDC00x", "has an unpaired surrogate U+DC00 (at index 0)"),
                Arguments.of("a\uFFFD", "must not contain U+FFFD (at index 1)"),
                Arguments.of("x".repeat(129), "must be at most 128 bytes of UTF-8, is 129"),
                Arguments.of("é".repeat(65), "must be at most 128 bytes of UTF-8, is 130"),
                Arguments.of("\uD83D\uDE00".repeat(33), "must be at most 128 bytes of UTF-8, is 132"));
    }

    @ParameterizedTest
    @MethodSource("invalidIds")
    void invalidIdsAreRefusedNamingValueAndRule(String value, String rule) {
        assertThatThrownBy(() -> TaskId.of(value))
                .isInstanceOf(TaskFormatException.class)
                .hasMessageStartingWith("invalid task id " + Excerpt.of(value) + ": ")
                .hasMessageContaining(rule)
                .satisfies(e -> {
                    TaskFormatException error = (TaskFormatException) e;
                    assertThat(error.subject()).isEqualTo("task id");
                    assertThat(error.value()).isEqualTo(Excerpt.of(value));
                    assertThat(error.rule()).contains(rule);
                });
    }

    @Test
    void aLongInvalidIdIsCutInTheMessage() {
        assertThatThrownBy(() -> TaskId.of("y".repeat(5000)))
                .hasMessageContaining("... (5000 chars)")
                .message().hasSizeLessThan(200);
    }

    @Test
    void nullIsAProgrammingError() {
        assertThatNullPointerException().isThrownBy(() -> TaskId.of(null)).withMessage("task id is null");
    }

    @Test
    void idsAreValuesOrderedByTheirString() {
        assertThat(TaskId.of("a")).isEqualTo(TaskId.of("a")).hasSameHashCodeAs(TaskId.of("a"));
        assertThat(TaskId.of("a")).isLessThan(TaskId.of("ab")).isLessThan(TaskId.of("b"));
    }
}
