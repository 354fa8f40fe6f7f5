package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.TxnResult;
import dev.baton.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One run against a fake member: what it writes, and how it ends, decided by the answers the
 * test gives to its writes and reads. No store.
 */
class TaskRunTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final TaskId TASK = TaskId.of("t");
    private static final long TOKEN = 42;

    private final ScheduledThreadPoolExecutor control = new ScheduledThreadPoolExecutor(1);
    private final TestClock clock = new TestClock(NOW);
    private final Keyspace keys = new Keyspace("ns/");
    private final TaskWrites writes = new TaskWrites(null, keys);
    private final FakeHost host = new FakeHost();
    private final TaskRun run = new TaskRun(host, writes, control, TaskStateMachine.builder().clock(clock).build(),
            clock, TASK, TOKEN, new TaskSpec(TaskProperties.empty(), NOW, Optional.empty()),
            TaskState.initial(NOW), 7);

    /** Records what the run asks of its member; the test answers. */
    private static final class FakeHost implements RunHost {
        final List<TxnBatcher.Write> sent = new ArrayList<>();
        final List<CompletableFuture<TxnResult>> answers = new ArrayList<>();
        final List<CompletableFuture<RangeResult>> reads = new ArrayList<>();
        final List<RunContext> handlers = new ArrayList<>();
        final List<TaskRun.Ending> endings = new ArrayList<>();
        int retiring;

        @Override
        public String memberId() {
            return "m";
        }

        @Override
        public List<KeyValue> taskCommands(TaskId task) {
            return List.of();
        }

        @Override
        public CompletableFuture<TxnResult> send(TxnBatcher.Write write) {
            sent.add(write);
            CompletableFuture<TxnResult> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }

        @Override
        public CompletableFuture<RangeResult> readTask(TaskId task) {
            CompletableFuture<RangeResult> read = new CompletableFuture<>();
            reads.add(read);
            return read;
        }

        @Override
        public RunContext runHandler(TaskRun run, TaskState state, Guard fence) {
            RunContext context = new RunContext(run, state, fence, Runnable::run);
            handlers.add(context);
            return context;
        }

        @Override
        public void reject(KeyValue command, String reason) {
        }

        @Override
        public void consumeMemberCommand(String commandKey) {
        }

        @Override
        public void runEnded(TaskRun run, TaskRun.Ending ending, boolean handlerRunning) {
            endings.add(ending);
        }

        @Override
        public void lostHandlerReturned() {
        }

        @Override
        public void retiring(TaskRun run) {
            retiring++;
        }
    }

    @AfterEach
    void stop() {
        control.shutdownNow();
    }

    /** Runs {@code action} on the control thread, as the member does, and waits for it. */
    private <T> T onControl(Callable<T> action) throws Exception {
        return control.submit(action).get(10, TimeUnit.SECONDS);
    }

    private void onControl(Runnable action) throws Exception {
        control.submit(action).get(10, TimeUnit.SECONDS);
    }

    private void handlerCompletes() throws Exception {
        onControl(run::advance);
        assertThat(host.handlers).hasSize(1);
        onControl(() -> run.onHandlerReturned(host.handlers.get(0), TaskMessage.complete()));
    }

    @Test
    void aCompletedRunIsRetiredByOneWriteFencedByItsToken() throws Exception {
        handlerCompletes();

        assertThat(host.sent).singleElement().satisfies(write -> {
            assertThat(write.when()).as("guarded by the claim's fence alone").hasSize(1);
            assertThat(write.then()).hasSize(5);
            assertThat(write.group()).isEqualTo(TASK.value());
        });
        assertThat(host.retiring).as("the slot frees as the retirement is written").isEqualTo(1);
        onControl(() -> host.answers.get(0).complete(new TxnResult(true, 50, List.of())));
        assertThat(host.endings).containsExactly(TaskRun.Ending.RETIRED);
    }

    @Test
    void aRefusedFencedWriteEndsTheRunAsLost() throws Exception {
        handlerCompletes();

        onControl(() -> host.answers.get(0).complete(new TxnResult(false, 50, List.of())));

        assertThat(host.endings).containsExactly(TaskRun.Ending.LOST);
        assertThat(host.sent).hasSize(1);
    }

    @Test
    void anUnknownOutcomeIsReadBackNotSentAgain() throws Exception {
        handlerCompletes();
        onControl(() -> host.answers.get(0).completeExceptionally(new IllegalStateException("connection reset")));
        assertThat(host.reads).hasSize(1);
        String done = onControl(() -> new DoneTask(TaskStateMachine.builder().clock(clock).build()
                .apply(TaskState.initial(NOW), TaskMessage.complete()),
                Optional.of(new TaskSpec(TaskProperties.empty(), NOW, Optional.empty())), Optional.empty()).encode());

        onControl(() -> host.reads.get(0).complete(new RangeResult(51, List.of(
                new KeyValue(keys.done(TASK), done.getBytes(StandardCharsets.UTF_8), 50, 50, 1, 0)))));

        assertThat(host.sent).as("writes sent").hasSize(1);
        assertThat(host.endings).containsExactly(TaskRun.Ending.RETIRED);
    }

    @Test
    void aHandlerWaitingForAPlaceAmongTheMembersHandlersIsNotRunningYet() throws Exception {
        onControl(run::advance);
        assertThat(host.handlers).hasSize(1);
        assertThat(onControl(run::held).running()).as("handed to the member, not started").isFalse();

        onControl(() -> run.onHandlerStarted(host.handlers.get(0)));

        assertThat(onControl(run::held).running()).isTrue();
    }

    @Test
    void aReleaseWhileTheHandlerRunsWaitsForItThenGivesTheClaimUp() throws Exception {
        onControl(run::advance);
        onControl(() -> run.requestRelease(StopReason.RELEASED, null));
        assertThat(host.handlers.get(0).isStopRequested()).isTrue();
        assertThat(host.sent).as("nothing written while the handler runs").isEmpty();

        onControl(() -> run.onHandlerReturned(host.handlers.get(0), null));
        assertThat(host.sent).singleElement().satisfies(write -> assertThat(write.then())
                .as("only the owner key is deleted").hasSize(1));
        onControl(() -> host.answers.get(0).complete(new TxnResult(true, 60, List.of())));

        assertThat(host.endings).containsExactly(TaskRun.Ending.RELEASED);
        assertThat(host.retiring).isZero();
    }

    /** A run of a task claimed ahead of its not-before, {@code NOW} plus {@code ahead}. */
    private TaskRun claimedAhead(Duration ahead) {
        return new TaskRun(host, writes, control, TaskStateMachine.builder().clock(clock).build(), clock, TASK, TOKEN,
                new TaskSpec(TaskProperties.empty(), NOW, Optional.of(NOW.plus(ahead))), TaskState.initial(NOW), 7);
    }

    @Test
    void aTaskClaimedAheadStartsItsHandlerOnlyOnceTheMembersClockReachesItsNotBefore() throws Exception {
        TaskRun early = claimedAhead(Duration.ofMillis(300));
        onControl(early::advance);

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                .until(() -> onControl(() -> host.handlers.isEmpty()));
        assertThat(onControl(early::held).running()).isFalse();

        clock.advance(Duration.ofMillis(300));
        await().atMost(Duration.ofSeconds(5)).until(() -> onControl(() -> host.handlers.size() == 1));
        assertThat(host.sent).as("nothing written to wait or to start").isEmpty();
    }

    @Test
    void aTaskClaimedAheadIsReleasedBeforeItsNotBeforeWithoutStartingItsHandler() throws Exception {
        TaskRun early = claimedAhead(Duration.ofMinutes(1));
        onControl(early::advance);

        onControl(() -> early.requestRelease(StopReason.RELEASED, null));
        assertThat(host.sent).singleElement().satisfies(write -> assertThat(write.then())
                .as("only the owner key is deleted").hasSize(1));
        onControl(() -> host.answers.get(0).complete(new TxnResult(true, 60, List.of())));

        assertThat(host.endings).containsExactly(TaskRun.Ending.RELEASED);
        clock.advance(Duration.ofMinutes(2));
        onControl(early::advance);
        assertThat(host.handlers).isEmpty();
    }
}
