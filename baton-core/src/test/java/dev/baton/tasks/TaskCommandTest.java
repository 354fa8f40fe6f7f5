package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.TestClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskCommandTest {

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of(TaskCommand.PAUSE, "{\"command\":\"pause\"}", TaskMessage.Kind.PAUSE),
                Arguments.of(TaskCommand.RESUME, "{\"command\":\"resume\"}", TaskMessage.Kind.RUN),
                Arguments.of(TaskCommand.STOP, "{\"command\":\"stop\"}", TaskMessage.Kind.RELEASE),
                Arguments.of(TaskCommand.KILL, "{\"command\":\"kill\"}", TaskMessage.Kind.KILL));
    }

    @ParameterizedTest(name = "{1} -> {2}")
    @MethodSource("commands")
    void eachCommandIsStoredAsJsonAndAppliedAsOneMessage(TaskCommand command, String json, TaskMessage.Kind kind) {
        assertThat(command.encode()).isEqualTo(json);
        assertThat(TaskCommand.parse(json)).isEqualTo(command);
        assertThat(command.message().kind()).isEqualTo(kind);
    }

    @Test
    void commandsTakeEffectInTheOrderTheyArrive() {
        TaskStateMachine machine = TaskStateMachine.builder()
                .clock(new TestClock(Instant.parse("2024-05-01T10:00:00Z"))).build();
        TaskState state = machine.initial();
        List<TaskStatus> seen = new ArrayList<>();
        for (TaskCommand command : List.of(TaskCommand.PAUSE, TaskCommand.STOP, TaskCommand.RESUME,
                TaskCommand.STOP, TaskCommand.KILL)) {
            state = machine.apply(state, command.message());
            seen.add(state.status());
        }
        assertThat(seen).containsExactly(TaskStatus.PAUSED, TaskStatus.PAUSED, TaskStatus.RUNNABLE,
                TaskStatus.RUNNABLE, TaskStatus.KILLED);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("pause", "not valid JSON"),
                Arguments.of("{}", "field \"command\" is required"),
                Arguments.of("{\"command\":\"freeze\"}",
                        "unknown command \"freeze\"; expected one of pause, resume, stop, kill"),
                Arguments.of("{\"command\":\"Pause\"}", "unknown command \"Pause\""),
                Arguments.of("{\"command\":\"pause\",\"task\":\"t\"}", "unknown field \"task\"; expected only command"),
                Arguments.of("{\"command\":true}", "field \"command\" must be a string, is true"),
                Arguments.of("{\"command\":\"" + "k".repeat(2000) + "\"}", "must be at most 1024 bytes of UTF-8"));
    }

    @ParameterizedTest(name = "refused: {1}")
    @MethodSource("malformed")
    void unknownOrMalformedCommandsAreRefusedWithThePreciseReason(String json, String rule) {
        assertThatThrownBy(() -> TaskCommand.parse(json))
                .isInstanceOf(TaskFormatException.class)
                .hasMessageStartingWith("invalid task command " + Excerpt.of(json) + ": ")
                .hasMessageContaining(rule);
    }
}
