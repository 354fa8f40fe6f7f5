package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client waiting for a task to end: {@link TaskClient#await} and {@link TaskClient#whenDone}. */
class TaskCompletionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private Etcd etcd;
    private String namespace;
    private TaskClient client;

    @BeforeEach
    void connect() {
        etcd = ETCD.add(Etcd.builder().endpoints(ETCD.endpoint()).build());
        namespace = "completion-" + UUID.randomUUID() + "/";
        client = TaskClient.create(etcd, namespace);
    }

    private TaskMember member(String id, TaskHandler handler) {
        return ETCD.add(TaskMember.builder(etcd, id).namespace(namespace).sessionTtl(Duration.ofSeconds(3))
                .handler(handler).start());
    }

    @Test
    void theWaitEndsWithTheFinalStateAndTheSpecItReadWhenAMemberCompletesTheTask() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        client.submit(TaskId.of("report"), TaskProperties.parse("{\"month\":\"2024-05\"}"));
        TaskInfo submitted = client.get(TaskId.of("report")).orElseThrow();
        member("m1", context -> waiting.await());
        CompletableFuture<TaskInfo> done = client.whenDone(TaskId.of("report"));
        await().atMost(WAIT).until(() -> client.get(TaskId.of("report")).orElseThrow().owner().isPresent());

        assertThat(done).isNotDone();
        waiting.countDown();
        TaskInfo info = done.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(info.done()).isTrue();
        assertThat(info.status()).contains(TaskStatus.COMPLETED);
        assertThat(info.since()).hasValueSatisfying(ended -> assertThat(ended).isAfterOrEqualTo(submitted.submitted().orElseThrow()));
        assertThat(info.properties()).contains(TaskProperties.parse("{\"month\":\"2024-05\"}"));
        assertThat(info.submitted()).isEqualTo(submitted.submitted());
        assertThat(client.get(TaskId.of("report")).orElseThrow().properties()).isEmpty();
    }

    @Test
    void aFailedTaskEndsTheWaitWithItsLastError() throws Exception {
        client.submit(TaskId.of("broken"), TaskProperties.empty());
        ETCD.add(TaskMember.builder(etcd, "m1").namespace(namespace).sessionTtl(Duration.ofSeconds(3))
                .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
                .handler(context -> {
                    throw new IllegalStateException("the printer is on fire");
                }).start());

        TaskInfo info = client.await(TaskId.of("broken"), WAIT);

        assertThat(info.status()).contains(TaskStatus.FAILED);
        assertThat(info.state().flatMap(TaskState::lastError)).hasValueSatisfying(error ->
                assertThat(error).contains("the printer is on fire"));
    }

    @Test
    void aTaskThatIsDoneAlreadyIsReturnedAtOnce() throws Exception {
        client.submit(TaskId.of("quick"), TaskProperties.empty());
        member("m1", context -> { });
        client.await(TaskId.of("quick"), WAIT);

        assertThat(client.whenDone(TaskId.of("quick"))).succeedsWithin(Duration.ofSeconds(5))
                .satisfies(info -> assertThat(info.status()).contains(TaskStatus.COMPLETED));
    }

    @Test
    void awaitGivesUpAfterItsTimeoutWhileTheTaskGoesOn() {
        client.submit(TaskId.of("unclaimed"), TaskProperties.empty());

        assertThatThrownBy(() -> client.await(TaskId.of("unclaimed"), Duration.ofMillis(300)))
                .isInstanceOf(TimeoutException.class);
        assertThat(client.get(TaskId.of("unclaimed")).orElseThrow().done()).isFalse();
    }

    @Test
    void waitingForATaskThatDoesNotExistFailsNamingIt() {
        assertThatThrownBy(() -> client.await(TaskId.of("ghost"), WAIT))
                .isInstanceOf(NoSuchTaskException.class).hasMessageContaining("\"ghost\"");
    }

    @Test
    void deletingTheTaskWhileAClientWaitsEndsTheWaitWithNoSuchTask() {
        client.submit(TaskId.of("doomed"), TaskProperties.empty());
        CompletableFuture<TaskInfo> done = client.whenDone(TaskId.of("doomed"));

        client.delete(TaskId.of("doomed"));

        assertThatThrownBy(() -> done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NoSuchTaskException.class);
    }
}
