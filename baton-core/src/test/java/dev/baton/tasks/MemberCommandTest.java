package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MemberCommandTest {

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of(MemberCommand.freeze(), "{\"command\":\"freeze\"}"),
                Arguments.of(MemberCommand.unfreeze(), "{\"command\":\"unfreeze\"}"),
                Arguments.of(MemberCommand.balance(), "{\"command\":\"balance\"}"),
                Arguments.of(MemberCommand.release(TaskId.of("report-7")), "{\"command\":\"release\",\"task\":\"report-7\"}"),
                Arguments.of(MemberCommand.release(TaskId.of("ü \"q\"")), "{\"command\":\"release\",\"task\":\"ü \\\"q\\\"\"}"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("commands")
    void commandsAreStoredAsSmallJsonObjectsAndReadBack(MemberCommand command, String json) {
        assertThat(command.encode()).isEqualTo(json);
        assertThat(MemberCommand.parse(json)).isEqualTo(command);
    }

    static Stream<Arguments> readableVariants() {
        return Stream.of(
                Arguments.of(" {\n \"command\" : \"freeze\" } ", MemberCommand.freeze()),
                Arguments.of("{\"task\":\"t\",\"command\":\"release\"}", MemberCommand.release(TaskId.of("t"))),
                Arguments.of("{\"command\":\"balance\",\"task\":null}", MemberCommand.balance()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readableVariants")
    void whitespaceFieldOrderAndExplicitNullsAreAccepted(String json, MemberCommand expected) {
        assertThat(MemberCommand.parse(json)).isEqualTo(expected);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", "must be a JSON object, is empty"),
                Arguments.of("freeze", "not valid JSON"),
                Arguments.of("{\"command\":\"freeze\"", "not valid JSON"),
                Arguments.of("[\"freeze\"]", "must be a JSON object, is array"),
                Arguments.of("{}", "field \"command\" is required"),
                Arguments.of("{\"command\":null}", "field \"command\" is required"),
                Arguments.of("{\"command\":1}", "field \"command\" must be a string, is 1"),
                Arguments.of("{\"command\":\"FREEZE\"}",
                        "unknown command \"FREEZE\"; expected one of freeze, unfreeze, balance, release"),
                Arguments.of("{\"command\":\"stop\"}", "unknown command \"stop\""),
                Arguments.of("{\"command\":\"freeze\",\"now\":true}", "unknown field \"now\"; expected only command, task"),
                Arguments.of("{\"command\":\"freeze\",\"task\":\"t\"}", "field \"task\" is not allowed for command \"freeze\""),
                Arguments.of("{\"command\":\"release\"}", "field \"task\" is required"),
                Arguments.of("{\"command\":\"release\",\"task\":[\"t\"]}", "field \"task\" must be a string, is array"),
                Arguments.of("{\"command\":\"release\",\"task\":\"a/b\"}",
                        "field \"task\": invalid task id \"a/b\": must not contain '/' (at index 1)"),
                Arguments.of("{\"command\":\"release\",\"task\":\"\"}", "field \"task\": invalid task id \"\": must not be empty"),
                Arguments.of("{\"command\":\"freeze\",\"command\":\"unfreeze\"}", "Duplicate field 'command'"),
                Arguments.of("{\"command\":\"freeze\",\"pad\":\"" + "x".repeat(2000) + "\"}",
                        "must be at most 1024 bytes of UTF-8, is 2029"));
    }

    @ParameterizedTest(name = "refused: {1}")
    @MethodSource("malformed")
    void unknownOrMalformedCommandsAreRefusedWithThePreciseReason(String json, String rule) {
        assertThatThrownBy(() -> MemberCommand.parse(json))
                .isInstanceOf(TaskFormatException.class)
                .hasMessageStartingWith("invalid member command " + Excerpt.of(json) + ": ")
                .hasMessageContaining(rule);
    }
}
