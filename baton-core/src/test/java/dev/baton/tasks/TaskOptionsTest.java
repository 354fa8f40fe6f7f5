package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-task options on real etcd: a run timeout, a task's own retry policy, and claim priorities. */
class TaskOptionsTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** The member's policy: many quick retries, which a task's own policy must override. */
    private static final RetryPolicy MEMBER_RETRIES = RetryPolicy.builder().maxAttempts(10)
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(100)).jitter(0).build();

    private LiveFleet fleet;

    @BeforeEach
    void startFleet() {
        fleet = new LiveFleet(ETCD.endpoint(), "options");
    }

    @AfterEach
    void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private TaskInfo awaitDone(TaskId task) {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.client().get(task).map(TaskInfo::done).orElse(false));
        return fleet.client().get(task).orElseThrow();
    }

    @Test
    void aRunPastItsTimeoutIsStoppedAndCountsAsAFailedRun() {
        List<StopReason> stops = new CopyOnWriteArrayList<>();
        fleet.start("a", b -> b.retryPolicy(MEMBER_RETRIES).handler(context -> {
            if (context.awaitStop(Duration.ofMinutes(1))) {
                stops.add(context.stopReason().orElseThrow());
            }
        }));
        TaskId task = TaskId.of("slow");
        fleet.client().submit(TaskSubmission.of(task, TaskProperties.empty()).withOptions(TaskOptions.defaults()
                .withTimeout(Duration.ofMillis(300)).withRetryPolicy(RetryPolicy.builder().maxAttempts(2)
                        .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(50)).build())));

        TaskInfo done = awaitDone(task);

        assertThat(done.status()).contains(TaskStatus.FAILED);
        assertThat(done.state().orElseThrow().attempts()).isEqualTo(2);
        assertThat(done.state().orElseThrow().lastError()).contains("the run took longer than the task's timeout of PT0.3S");
        assertThat(stops).containsExactly(StopReason.TIMED_OUT, StopReason.TIMED_OUT);
    }

    @Test
    void aRunWithinItsTimeoutCompletes() {
        fleet.start("a", b -> b.handler(context -> { }));
        TaskId task = TaskId.of("quick");
        fleet.client().submit(TaskSubmission.of(task, TaskProperties.empty())
                .withOptions(TaskOptions.defaults().withTimeout(Duration.ofMinutes(1))));

        assertThat(awaitDone(task).status()).contains(TaskStatus.COMPLETED);
    }

    @Test
    void aTasksOwnRetryPolicyOverridesTheMembers() {
        AtomicInteger runs = new AtomicInteger();
        fleet.start("a", b -> b.retryPolicy(MEMBER_RETRIES).handler(context -> {
            runs.incrementAndGet();
            throw new IllegalStateException("boom");
        }));
        TaskId own = TaskId.of("own-policy");
        fleet.client().submit(TaskSubmission.of(own, TaskProperties.empty()).withOptions(TaskOptions.defaults()
                .withRetryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10))
                        .maxBackoff(Duration.ofMillis(10)).build())));

        TaskInfo done = awaitDone(own);

        assertThat(done.status()).contains(TaskStatus.FAILED);
        assertThat(done.state().orElseThrow().attempts()).isEqualTo(3);
        assertThat(runs).hasValue(3);
    }

    @Test
    void oneMemberClaimsHigherPrioritiesFirst() {
        List<TaskSubmission> tasks = List.of(
                prioritised("p-low", -5), prioritised("p-default", 0), prioritised("p-top", 9),
                prioritised("p-mid", 3), prioritised("p-high", 7));
        assertThat(fleet.client().submitAll(tasks).duplicates()).isEmpty();
        List<String> order = new CopyOnWriteArrayList<>();
        fleet.start("a", b -> b.maxConcurrentTasks(1).handler(context -> order.add(context.id().value())));

        await().atMost(Duration.ofSeconds(30)).until(() -> order.size() == tasks.size());

        assertThat(order).containsExactly("p-top", "p-high", "p-mid", "p-default", "p-low");
    }

    @Test
    void theOptionsAreStoredWithTheSpecAndKeptInTheDoneRecord() {
        fleet.start("a", b -> b.handler(context -> { }));
        TaskOptions options = TaskOptions.defaults().withPriority(4).withTimeout(Duration.ofSeconds(90))
                .withRetryPolicy(RetryPolicy.builder().maxAttempts(2).multiplier(1.5).jitter(0.1).build());
        TaskId task = TaskId.of("kept");
        fleet.client().submit(TaskSubmission.of(task, TaskProperties.empty()).withOptions(options));

        awaitDone(task);

        assertThat(fleet.client().get(task).orElseThrow().options()).contains(options);
    }

    private static TaskSubmission prioritised(String id, int priority) {
        return TaskSubmission.of(TaskId.of(id), TaskProperties.empty())
                .withOptions(TaskOptions.defaults().withPriority(priority));
    }
}
