package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskStateMachineTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant LATER = T0.plus(Duration.ofHours(1));

    /** The transition table, written out independently of the code under test. */
    private static final String EXPECTED_TABLE = """
            status     RUN       PAUSE   SLEEP     RELEASE   ERROR  COMPLETE   KILL    CHECKPOINT
            RUNNABLE   -         PAUSED  SLEEPING  RUNNABLE  FAULT  COMPLETED  KILLED  RUNNABLE
            PAUSED     RUNNABLE  -       -         PAUSED    -      -          KILLED  -
            SLEEPING   RUNNABLE  PAUSED  -         SLEEPING  -      -          KILLED  -
            FAULT      RUNNABLE  PAUSED  -         FAULT     -      -          KILLED  -
            COMPLETED  -         -       -         -         -      -          -       -
            FAILED     -         -       -         -         -      -          -       -
            KILLED     -         -       -         -         -      -          -       -
            """;

    private static final Map<TaskStatus, TaskState> FIXTURES = Map.of(
            TaskStatus.RUNNABLE, TaskState.initial(T0),
            TaskStatus.PAUSED, TaskState.of(TaskStatus.PAUSED, T0, 0, null, null, "cp"),
            TaskStatus.SLEEPING, TaskState.of(TaskStatus.SLEEPING, T0, 0, LATER, null, null),
            TaskStatus.FAULT, TaskState.of(TaskStatus.FAULT, T0, 1, T0.plusSeconds(1), "boom", null),
            TaskStatus.COMPLETED, TaskState.of(TaskStatus.COMPLETED, T0, 0, null, null, null),
            TaskStatus.FAILED, TaskState.of(TaskStatus.FAILED, T0, 5, null, "boom", null),
            TaskStatus.KILLED, TaskState.of(TaskStatus.KILLED, T0, 0, null, null, null));

    private static final Map<TaskMessage.Kind, TaskMessage> MESSAGES = Map.of(
            TaskMessage.Kind.RUN, TaskMessage.run(),
            TaskMessage.Kind.PAUSE, TaskMessage.pause(),
            TaskMessage.Kind.SLEEP, TaskMessage.sleep(LATER),
            TaskMessage.Kind.RELEASE, TaskMessage.release(),
            TaskMessage.Kind.ERROR, TaskMessage.error("boom"),
            TaskMessage.Kind.COMPLETE, TaskMessage.complete(),
            TaskMessage.Kind.KILL, TaskMessage.kill(),
            TaskMessage.Kind.CHECKPOINT, TaskMessage.checkpoint("cp2"));

    private final TestClock clock = new TestClock(T0);
    private final TaskStateMachine machine = machine(RetryPolicy.defaults(), 0.0);

    private TaskStateMachine machine(RetryPolicy policy, double jitter) {
        return TaskStateMachine.builder().clock(clock).retryPolicy(policy).jitter(() -> jitter).build();
    }

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        String[] lines = EXPECTED_TABLE.strip().split("\n");
        String[] header = lines[0].trim().split("\\s+");
        for (int row = 1; row < lines.length; row++) {
            String[] cells = lines[row].trim().split("\\s+");
            for (int column = 1; column < header.length; column++) {
                pairs.add(Arguments.of(TaskStatus.valueOf(cells[0]), TaskMessage.Kind.valueOf(header[column]),
                        cells[column].equals("-") ? null : TaskStatus.valueOf(cells[column])));
            }
        }
        return pairs.stream();
    }

    @Test
    void theTableCoversEveryStatusAndMessage() {
        assertThat(everyPair()).hasSize(TaskStatus.values().length * TaskMessage.Kind.values().length);
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("everyPair")
    void everyTransitionFollowsTheTable(TaskStatus from, TaskMessage.Kind kind, TaskStatus expected) {
        TaskState current = FIXTURES.get(from);
        clock.advance(Duration.ofMinutes(1));
        if (expected == null) {
            assertThat(TaskStateMachine.accepts(from, kind)).isFalse();
            assertThatThrownBy(() -> machine.apply(current, MESSAGES.get(kind)))
                    .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                        assertThat(e.status()).isEqualTo(from);
                        assertThat(e.kind()).isEqualTo(kind);
                    })
                    .hasMessageContaining("(" + from + ", " + kind + ")");
        } else {
            assertThat(TaskStateMachine.accepts(from, kind)).isTrue();
            TaskState next = machine.apply(current, MESSAGES.get(kind));
            assertThat(next.status()).isEqualTo(expected);
            assertThat(next.since()).isEqualTo(expected == from ? T0 : clock.instant());
        }
    }

    @Test
    void aTerminalStatusSaysItAcceptsNothing() {
        assertThatThrownBy(() -> machine.apply(FIXTURES.get(TaskStatus.COMPLETED), TaskMessage.run()))
                .hasMessage("illegal task transition (COMPLETED, RUN): status COMPLETED is terminal and accepts no message");
        assertThatThrownBy(() -> machine.apply(FIXTURES.get(TaskStatus.PAUSED), TaskMessage.complete()))
                .hasMessage("illegal task transition (PAUSED, COMPLETE): status PAUSED does not accept COMPLETE");
    }

    @Test
    void aNewTaskIsRunnableSinceNow() {
        assertThat(machine.initial()).isEqualTo(TaskState.initial(T0));
        assertThat(machine.initial().attempts()).isZero();
        assertThat(machine.initial().until()).isEmpty();
    }

    @Test
    void anErrorWaitsInFaultForTheBackoffAndKeepsTheCause() {
        TaskState fault = machine.apply(machine.initial(), TaskMessage.error(new IllegalStateException("disk full")));
        assertThat(fault.status()).isEqualTo(TaskStatus.FAULT);
        assertThat(fault.attempts()).isEqualTo(1);
        assertThat(fault.until()).contains(T0.plusSeconds(1));
        assertThat(fault.lastError()).contains("java.lang.IllegalStateException: disk full");
    }

    @Test
    void failedRunsAreRetriedOnTheDefaultScheduleThenTheTaskFails() {
        TaskState state = machine.initial();
        List<Duration> waits = new ArrayList<>();
        for (int failure = 1; failure < RetryPolicy.DEFAULT_MAX_ATTEMPTS; failure++) {
            state = machine.apply(state, TaskMessage.error("boom " + failure));
            assertThat(state.status()).isEqualTo(TaskStatus.FAULT);
            assertThat(state.attempts()).isEqualTo(failure);
            waits.add(Duration.between(clock.instant(), state.until().orElseThrow()));
            clock.advance(waits.get(waits.size() - 1));
            state = machine.apply(state, TaskMessage.run());
            assertThat(state.until()).isEmpty();
            assertThat(state.attempts()).isEqualTo(failure);
        }
        state = machine.apply(state, TaskMessage.error("boom 5"));
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8));
        assertThat(state.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(state.attempts()).isEqualTo(5);
        assertThat(state.until()).isEmpty();
        assertThat(state.lastError()).contains("boom 5");
        assertThat(state.status().terminal()).isTrue();
    }

    @Test
    void jitterShortensTheBackoff() {
        TaskStateMachine jittery = machine(RetryPolicy.defaults(), 0.5);
        TaskState fault = jittery.apply(jittery.initial(), TaskMessage.error("boom"));
        assertThat(fault.until()).contains(T0.plusMillis(900));
    }

    @Test
    void withOneAttemptTheFirstErrorFails() {
        TaskStateMachine strict = machine(RetryPolicy.builder().maxAttempts(1).build(), 0.0);
        assertThat(strict.apply(strict.initial(), TaskMessage.error("boom")).status()).isEqualTo(TaskStatus.FAILED);
    }

    @Test
    void progressResetsTheFailedRunCount() {
        TaskState retried = machine.apply(machine.apply(machine.initial(), TaskMessage.error("boom")), TaskMessage.run());
        assertThat(machine.apply(retried, TaskMessage.checkpoint("p")).attempts()).isZero();
        assertThat(machine.apply(retried, TaskMessage.sleep(LATER)).attempts()).isZero();
        assertThat(machine.apply(retried, TaskMessage.pause()).attempts()).isEqualTo(1);
        assertThat(machine.apply(retried, TaskMessage.release()).attempts()).isEqualTo(1);
    }

    @Test
    void aLastErrorIsKeptAfterRecovery() {
        TaskState retried = machine.apply(machine.apply(machine.initial(), TaskMessage.error("boom")), TaskMessage.run());
        assertThat(machine.apply(retried, TaskMessage.checkpoint("p")).lastError()).contains("boom");
    }

    @Test
    void releaseKeepsEverythingSoTheNextOwnerContinues() {
        for (TaskStatus status : List.of(TaskStatus.RUNNABLE, TaskStatus.PAUSED, TaskStatus.SLEEPING, TaskStatus.FAULT)) {
            clock.advance(Duration.ofMinutes(1));
            assertThat(machine.apply(FIXTURES.get(status), TaskMessage.release())).isEqualTo(FIXTURES.get(status));
        }
    }

    @Test
    void sleepRecordsTheWakeUpAndRunClearsIt() {
        TaskState sleeping = machine.apply(machine.initial(), TaskMessage.sleep(LATER));
        assertThat(sleeping.until()).contains(LATER);
        clock.advance(Duration.ofHours(1));
        TaskState awake = machine.apply(sleeping, TaskMessage.run());
        assertThat(awake.status()).isEqualTo(TaskStatus.RUNNABLE);
        assertThat(awake.until()).isEmpty();
        assertThat(awake.since()).isEqualTo(LATER);
    }

    @Test
    void aSleepIntoThePastIsAcceptedAndDueAtOnce() {
        TaskState sleeping = machine.apply(machine.initial(), TaskMessage.sleep(T0.minusSeconds(5)));
        assertThat(sleeping.until()).contains(T0.minusSeconds(5));
    }

    @Test
    void pausingAFaultDropsTheRetryInstantButKeepsTheCount() {
        TaskState paused = machine.apply(FIXTURES.get(TaskStatus.FAULT), TaskMessage.pause());
        assertThat(paused.until()).isEmpty();
        assertThat(paused.attempts()).isEqualTo(1);
        assertThat(machine.apply(paused, TaskMessage.run()).attempts()).isEqualTo(1);
    }

    @Test
    void theCheckpointSurvivesEveryLaterTransition() {
        TaskState state = machine.apply(machine.initial(), TaskMessage.checkpoint("offset=42"));
        for (TaskMessage message : List.of(TaskMessage.pause(), TaskMessage.release(), TaskMessage.run(),
                TaskMessage.error("boom"), TaskMessage.run(), TaskMessage.sleep(LATER), TaskMessage.run(),
                TaskMessage.complete())) {
            state = machine.apply(state, message);
            assertThat(state.checkpoint()).as("after %s", message).contains("offset=42");
        }
        assertThat(machine.apply(machine.initial(), TaskMessage.checkpoint("a")).checkpoint()).contains("a");
    }

    @Test
    void longErrorCausesAreCutToTheLimit() {
        TaskMessage error = TaskMessage.error("e".repeat(10_000));
        assertThat(error.cause().orElseThrow()).hasSize(TaskState.MAX_ERROR_CHARS).endsWith("...");
        assertThat(machine.apply(machine.initial(), error).lastError().orElseThrow()).hasSize(TaskState.MAX_ERROR_CHARS);
    }

    @Test
    void oversizedCheckpointsAreRefusedNotCut() {
        assertThatThrownBy(() -> TaskMessage.checkpoint("c".repeat(TaskState.MAX_CHECKPOINT_BYTES + 1)))
                .isInstanceOf(TaskFormatException.class)
                .hasMessageContaining("invalid checkpoint")
                .hasMessageContaining("must be at most 65536 bytes of UTF-8, is 65537");
        assertThat(TaskMessage.checkpoint("c".repeat(TaskState.MAX_CHECKPOINT_BYTES)).checkpoint()).isPresent();
    }

    @Test
    void messagesDescribeThemselves() {
        assertThat(TaskMessage.sleep(LATER)).hasToString("SLEEP(2024-05-01T11:00:00Z)");
        assertThat(TaskMessage.error("boom")).hasToString("ERROR(\"boom\")");
        assertThat(TaskMessage.kill()).hasToString("KILL");
        assertThat(TaskMessage.error("boom")).isEqualTo(TaskMessage.error("boom"));
    }
}
