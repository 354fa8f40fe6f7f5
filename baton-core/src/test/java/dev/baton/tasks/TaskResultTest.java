package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Watch;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A handler's result on real etcd: kept in the done record and seen by every way of learning a task's end. */
class TaskResultTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private LiveFleet fleet;

    @BeforeEach
    void startFleet() {
        fleet = new LiveFleet(ETCD.endpoint(), "results");
    }

    @AfterEach
    void stopFleet() {
        fleet.close();
    }

    @Test
    void aResultIsKeptWithTheDoneRecordAndSeenByAwaitOnEndsAndGet() throws Exception {
        List<TaskInfo> ends = new CopyOnWriteArrayList<>();
        TaskId task = TaskId.of("report");
        try (Watch watch = fleet.client().onEnds(ends::add)) {
            fleet.start("a", b -> b.handler(context -> context.result(
                    TaskResult.parse("{\"rows\":12,\"by\":\"" + context.member() + "\"}"))));
            fleet.client().submit(task, TaskProperties.empty());

            TaskInfo awaited = fleet.client().await(task, Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).until(() -> !ends.isEmpty());

            TaskResult expected = TaskResult.parse("{\"rows\":12,\"by\":\"a\"}");
            assertThat(awaited.status()).contains(TaskStatus.COMPLETED);
            assertThat(awaited.result()).contains(expected);
            assertThat(ends.get(0).result()).contains(expected);
            assertThat(fleet.client().get(task).orElseThrow().result()).contains(expected);
        }
    }

    @Test
    void onlyTheRunThatCompletesTheTaskGivesTheResult() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        fleet.start("a", b -> b.retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(20)).build())
                .handler(context -> {
                    int run = runs.incrementAndGet();
                    context.result(TaskResult.parse("{\"run\":" + run + "}"));
                    if (run == 1) {
                        throw new IllegalStateException("first run fails");
                    }
                }));
        TaskId task = TaskId.of("second-time");
        fleet.client().submit(task, TaskProperties.empty());

        TaskInfo done = fleet.client().await(task, Duration.ofSeconds(30));

        assertThat(done.status()).contains(TaskStatus.COMPLETED);
        assertThat(done.result()).contains(TaskResult.parse("{\"run\":2}"));
    }

    @Test
    void aFailedTaskHasNoResult() throws Exception {
        fleet.start("a", b -> b.retryPolicy(RetryPolicy.builder().maxAttempts(1).build()).handler(context -> {
            context.result(TaskResult.parse("{\"partial\":true}"));
            throw new IllegalStateException("no");
        }));
        TaskId task = TaskId.of("fails");
        fleet.client().submit(task, TaskProperties.empty());

        TaskInfo done = fleet.client().await(task, Duration.ofSeconds(30));

        assertThat(done.status()).contains(TaskStatus.FAILED);
        assertThat(done.result()).isEmpty();
    }
}
