package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskStateCodecTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant T1 = Instant.parse("2024-05-01T10:00:02.500Z");

    static Stream<TaskState> statesOfEveryKind() {
        return Stream.of(
                TaskState.initial(T0),
                TaskState.of(TaskStatus.RUNNABLE, T0, 3, null, "old error", "offset=7"),
                TaskState.of(TaskStatus.PAUSED, T0, 0, null, null, "{\"json\":\"inside\"}"),
                TaskState.of(TaskStatus.SLEEPING, T0, 0, T1, null, null),
                TaskState.of(TaskStatus.FAULT, T0, 2, T1, "java.io.IOException: disk full\n\tat x", null),
                TaskState.of(TaskStatus.COMPLETED, Instant.parse("2024-05-01T10:00:00.123456789Z"), 0, null, null, "done"),
                TaskState.of(TaskStatus.FAILED, T0, 5, null, "boom", null),
                TaskState.of(TaskStatus.KILLED, T0, 0, null, null, "ünïcödé \uD83D\uDE00"));
    }

    @ParameterizedTest
    @MethodSource("statesOfEveryKind")
    void everyStateSurvivesEncodeAndDecode(TaskState state) {
        assertThat(TaskState.decode(state.encode())).isEqualTo(state).hasSameHashCodeAs(state);
    }

    @Test
    void theEncodingIsASmallReadableRecord() {
        assertThat(TaskState.of(TaskStatus.FAULT, T0, 2, T1, "boom", null).encode()).isEqualTo(
                "{\"state\":\"fault\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":2,"
                        + "\"until\":\"2024-05-01T10:00:02.500Z\",\"lastError\":\"boom\"}");
        assertThat(TaskState.initial(T0).encode())
                .isEqualTo("{\"state\":\"runnable\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":0}");
    }

    @Test
    void explicitNullsReadAsAbsentFields() {
        assertThat(TaskState.decode("{\"state\":\"paused\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":0,"
                + "\"until\":null,\"lastError\":null,\"checkpoint\":null}"))
                .isEqualTo(TaskState.of(TaskStatus.PAUSED, T0, 0, null, null, null));
    }

    private static final String SINCE = "\"since\":\"2024-05-01T10:00:00Z\"";

    static Stream<Arguments> corruptStates() {
        return Stream.of(
                Arguments.of("", "must be a JSON object, is empty"),
                Arguments.of("garbage", "not valid JSON"),
                Arguments.of("{\"state\":\"runnable\"", "not valid JSON"),
                Arguments.of("[\"runnable\"]", "must be a JSON object, is array"),
                Arguments.of("{" + SINCE + ",\"attempts\":0}", "field \"state\" is required"),
                Arguments.of("{\"state\":\"running\"," + SINCE + ",\"attempts\":0}",
                        "field \"state\" must be one of runnable, paused, sleeping, fault, completed, failed, killed, is \"running\""),
                Arguments.of("{\"state\":\"RUNNABLE\"," + SINCE + ",\"attempts\":0}", "field \"state\" must be one of"),
                Arguments.of("{\"state\":7," + SINCE + ",\"attempts\":0}", "field \"state\" must be a string, is 7"),
                Arguments.of("{\"state\":\"runnable\",\"attempts\":0}", "field \"since\" is required"),
                Arguments.of("{\"state\":\"runnable\",\"since\":\"yesterday\",\"attempts\":0}",
                        "field \"since\" must be an ISO-8601 instant such as 2024-01-31T12:00:00Z, is \"yesterday\""),
                Arguments.of("{\"state\":\"runnable\",\"since\":1714557600,\"attempts\":0}",
                        "field \"since\" must be a string, is 1714557600"),
                Arguments.of("{\"state\":\"runnable\"," + SINCE + "}", "field \"attempts\" is required"),
                Arguments.of("{\"state\":\"runnable\"," + SINCE + ",\"attempts\":-1}",
                        "field \"attempts\" must be a non-negative 32-bit integer, is -1"),
                Arguments.of("{\"state\":\"runnable\"," + SINCE + ",\"attempts\":1.5}",
                        "field \"attempts\" must be a non-negative 32-bit integer, is 1.5"),
                Arguments.of("{\"state\":\"runnable\"," + SINCE + ",\"attempts\":\"2\"}",
                        "field \"attempts\" must be a non-negative 32-bit integer, is string"),
                Arguments.of("{\"state\":\"runnable\"," + SINCE + ",\"attempts\":99999999999}",
                        "field \"attempts\" must be a non-negative 32-bit integer, is 99999999999"),
                Arguments.of("{\"state\":\"runnable\"," + SINCE + ",\"attempts\":0,\"owner\":\"m1\"}",
                        "unknown field \"owner\"; expected only attempts, checkpoint, lastError, since, state, until"),
                Arguments.of("{\"state\":\"runnable\",\"state\":\"paused\"," + SINCE + ",\"attempts\":0}",
                        "Duplicate field 'state'"),
                Arguments.of("{\"state\":\"runnable\"," + SINCE + ",\"attempts\":0,\"until\":\"2024-05-01T10:00:00Z\"}",
                        "is runnable and must not have field \"until\""),
                Arguments.of("{\"state\":\"sleeping\"," + SINCE + ",\"attempts\":0}", "is sleeping and needs field \"until\""),
                Arguments.of("{\"state\":\"fault\"," + SINCE + ",\"attempts\":1,\"until\":\"2024-05-01T10:00:00Z\"}",
                        "is fault and needs attempts of at least 1 and field \"lastError\""),
                Arguments.of("{\"state\":\"fault\"," + SINCE + ",\"attempts\":0,\"until\":\"2024-05-01T10:00:00Z\",\"lastError\":\"x\"}",
                        "is fault and needs attempts of at least 1"),
                Arguments.of("{\"state\":\"failed\"," + SINCE + ",\"attempts\":5,\"lastError\":\"" + "e".repeat(4097) + "\"}",
                        "has a lastError of 4097 characters, more than 4096"),
                Arguments.of("{\"state\":\"paused\"," + SINCE + ",\"attempts\":0,\"checkpoint\":\"" + "c".repeat(65537) + "\"}",
                        "has a checkpoint of 65537 bytes, more than 65536"),
                Arguments.of("{\"state\":\"paused\"," + SINCE + ",\"attempts\":0,\"checkpoint\":{\"a\":1}}",
                        "field \"checkpoint\" must be a string, is object"),
                Arguments.of("{\"state\":\"paused\"," + SINCE + ",\"attempts\":0,\"checkpoint\":\"" + "c".repeat(300_000) + "\"}",
                        "bytes of UTF-8, is 300"));
    }

    @ParameterizedTest
    @MethodSource("corruptStates")
    void corruptRecordsAreRefusedNamingTheRule(String json, String rule) {
        assertThatThrownBy(() -> TaskState.decode(json))
                .isInstanceOf(TaskFormatException.class)
                .hasMessageStartingWith("invalid task state " + Excerpt.of(json) + ": ")
                .hasMessageContaining(rule);
    }

    @Test
    void theStateMachineCannotBuildAStateThatBreaksAnInvariant() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TaskState.of(TaskStatus.SLEEPING, T0, 0, null, null, null))
                .withMessageContaining("is sleeping and needs field \"until\"");
    }

    @Test
    void statesDescribeThemselves() {
        assertThat(TaskState.of(TaskStatus.FAULT, T0, 2, T1, "boom", null))
                .hasToString("FAULT{since=2024-05-01T10:00:00Z, attempts=2, until=2024-05-01T10:00:02.500Z, lastError=\"boom\"}");
    }
}
