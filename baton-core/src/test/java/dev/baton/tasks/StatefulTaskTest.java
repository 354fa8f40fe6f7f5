package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tasks driven by their persisted state machine: commands, faults, checkpoints and sleeps. */
class StatefulTaskTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final RetryPolicy QUICK_RETRIES = RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1)).jitter(0).build();

    private LiveFleet fleet;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startFleet() {
        fleet = new LiveFleet(ETCD.endpoint(), "stateful");
    }

    @AfterEach
    void stopFleet() {
        fleet.close();
    }

    /** Runs until told to stop, recording the start and the stop reason. */
    private TaskMessage runUntilStopped(TaskContext context) throws InterruptedException {
        events.add("start@" + context.member());
        context.awaitStop(Duration.ofMinutes(1));
        events.add("stop:" + context.stopReason().orElseThrow() + "@" + context.member());
        return TaskMessage.checkpoint("ran on " + context.member());
    }

    @Test
    void pauseResumeStopAndKillAreAppliedInOrder() {
        TaskId task = TaskId.of("commanded");
        fleet.start("a", b -> b.statefulHandler(this::runUntilStopped).retryPolicy(QUICK_RETRIES));
        fleet.client().submit(task, TaskProperties.empty());
        await().until(() -> events.equals(List.of("start@a")));

        fleet.client().send(task, TaskCommand.PAUSE);
        await().until(() -> status(task).equals(Optional.of(TaskStatus.PAUSED)));
        assertThat(events).containsExactly("start@a", "stop:PAUSED@a");
        assertThat(owner(task)).contains("a");

        fleet.client().send(task, TaskCommand.RESUME);
        await().until(() -> events.size() == 3);
        assertThat(status(task)).contains(TaskStatus.RUNNABLE);

        fleet.start("b", b -> b.statefulHandler(this::runUntilStopped).retryPolicy(QUICK_RETRIES));
        fleet.client().send("a", MemberCommand.freeze());
        await().until(() -> fleet.member("a").status().frozen());
        fleet.client().send(task, TaskCommand.STOP);
        await().until(() -> events.size() == 5);
        assertThat(owner(task)).contains("b");

        fleet.client().send(task, TaskCommand.KILL);
        await().until(() -> fleet.client().get(task).orElseThrow().done());

        assertThat(events).containsExactly("start@a", "stop:PAUSED@a", "start@a", "stop:RELEASED@a", "start@b",
                "stop:KILLED@b");
        TaskInfo killed = fleet.client().get(task).orElseThrow();
        assertThat(killed.status()).contains(TaskStatus.KILLED);
        assertThat(killed.state().orElseThrow().checkpoint()).contains("ran on b");
    }

    @Test
    void aHandlerThatKeepsThrowingFaultsIsRetriedWithBackoffThenFails() {
        TaskId task = TaskId.of("flaky");
        List<Instant> runs = new CopyOnWriteArrayList<>();
        fleet.start("a", b -> b.retryPolicy(QUICK_RETRIES).statefulHandler(context -> {
            runs.add(Instant.now());
            throw new IllegalStateException("boom " + runs.size());
        }));
        fleet.client().submit(task, TaskProperties.empty());

        await().until(() -> fleet.client().get(task).orElseThrow().done());

        TaskState last = fleet.client().get(task).orElseThrow().state().orElseThrow();
        assertThat(last.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(last.attempts()).isEqualTo(3);
        assertThat(last.lastError()).contains("java.lang.IllegalStateException: boom 3");
        assertThat(runs).hasSize(3);
        assertThat(Duration.between(runs.get(0), runs.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(Duration.between(runs.get(1), runs.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(fleet.member("a").status().tasks()).isEmpty();
    }

    @Test
    void aFaultThatRecoversCompletesAndTheMemberKeepsWorking() {
        AtomicInteger attempts = new AtomicInteger();
        fleet.start("a", b -> b.retryPolicy(QUICK_RETRIES).handler(context -> {
            if (context.id().value().equals("recovers") && attempts.incrementAndGet() < 3) {
                throw new java.io.IOException("not yet");
            }
        }));
        fleet.client().submit(TaskId.of("recovers"), TaskProperties.empty());
        fleet.client().submit(TaskId.of("plain"), TaskProperties.empty());

        await().until(() -> fleet.client().list().stream().allMatch(TaskInfo::done));

        TaskState recovered = fleet.client().get(TaskId.of("recovers")).orElseThrow().state().orElseThrow();
        assertThat(recovered.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(recovered.lastError()).contains("java.io.IOException: not yet");
        assertThat(attempts).hasValue(3);
        assertThat(fleet.client().get(TaskId.of("plain")).orElseThrow().status()).contains(TaskStatus.COMPLETED);
    }

    @Test
    void checkpointsAndSleepsArePersistedAndTheNextRunStartsFromThem() {
        TaskId task = TaskId.of("stepper");
        List<String> seen = new CopyOnWriteArrayList<>();
        fleet.start("a", b -> b.statefulHandler(context -> {
            seen.add(context.state().status() + ":" + context.state().checkpoint().orElse("-"));
            if (context.state().checkpoint().isEmpty()) {
                context.checkpoint("step 1");
                return TaskMessage.sleep(Instant.now().plusMillis(300));
            }
            if (context.state().checkpoint().get().equals("step 1")) {
                return TaskMessage.checkpoint("step 2");
            }
            return TaskMessage.complete();
        }));
        fleet.client().submit(task, TaskProperties.empty());

        await().until(() -> fleet.client().get(task).orElseThrow().done());

        assertThat(seen).containsExactly("RUNNABLE:-", "RUNNABLE:step 1", "RUNNABLE:step 2");
        TaskState last = fleet.client().get(task).orElseThrow().state().orElseThrow();
        assertThat(last.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(last.checkpoint()).contains("step 2");
    }

    @Test
    void aMessageRunnableRefusesBecomesAFault() {
        TaskId task = TaskId.of("confused");
        AtomicInteger calls = new AtomicInteger();
        fleet.start("a", b -> b.retryPolicy(QUICK_RETRIES)
                .statefulHandler(context -> calls.incrementAndGet() == 1 ? TaskMessage.run() : TaskMessage.complete()));
        fleet.client().submit(task, TaskProperties.empty());

        await().until(() -> fleet.client().get(task).orElseThrow().done());

        TaskState last = fleet.client().get(task).orElseThrow().state().orElseThrow();
        assertThat(last.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(last.lastError().orElseThrow()).contains("illegal task transition (RUNNABLE, RUN)");
    }

    private Optional<TaskStatus> status(TaskId task) {
        return fleet.client().get(task).flatMap(TaskInfo::status);
    }

    private Optional<String> owner(TaskId task) {
        return fleet.client().get(task).flatMap(TaskInfo::owner).map(TaskOwner::member);
    }
}
