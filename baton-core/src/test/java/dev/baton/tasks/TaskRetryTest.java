package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskRetryTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private Etcd etcd;
    private String namespace;
    private TaskClient client;

    @BeforeEach
    void connect() {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        namespace = "retry-" + UUID.randomUUID() + "/";
        client = TaskClient.create(etcd, namespace);
    }

    @AfterEach
    void disconnect() {
        etcd.close();
    }

    @Test
    void aFailedTaskRetriedRunsAgainWithItsPropertiesAndLastErrorAndOnlyOnce() {
        AtomicInteger runs = new AtomicInteger();
        TaskHandler failsFirst = context -> {
            assertThat(context.properties()).isEqualTo(TaskProperties.parse("{\"order\":7}"));
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the first run fails");
            }
        };
        TaskId task = TaskId.of("t");
        client.submit(task, TaskProperties.parse("{\"order\":7}"));
        try (TaskMember member = TaskMember.builder(etcd, "m").namespace(namespace).sessionTtl(Duration.ofSeconds(2))
                .retryPolicy(RetryPolicy.builder().maxAttempts(1).build()).handler(failsFirst).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> client.get(task).orElseThrow().done());
            TaskInfo failed = client.get(task).orElseThrow();
            assertThat(failed.status()).contains(TaskStatus.FAILED);

            client.retry(task);
            assertThatThrownBy(() -> client.retry(task)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("only a failed or killed task can be retried");

            await().atMost(Duration.ofSeconds(20)).until(() -> client.get(task).orElseThrow().done());
        }
        TaskInfo completed = client.get(task).orElseThrow();
        assertThat(completed.status()).contains(TaskStatus.COMPLETED);
        assertThat(completed.state().orElseThrow().lastError()).hasValueSatisfying(
                error -> assertThat(error).contains("the first run fails"));
        assertThat(runs.get()).isEqualTo(2);
        assertThatThrownBy(() -> client.retry(task)).isInstanceOf(IllegalStateException.class)
                .hasMessage("task \"t\" completed; only a failed or killed task can be retried");
    }

    @Test
    void aRetryNamesWhatIsInTheWay() throws Exception {
        assertThatThrownBy(() -> client.retry(TaskId.of("nothing"))).isInstanceOf(NoSuchTaskException.class)
                .hasMessage("no task \"nothing\" to retry");
        client.submit(TaskId.of("live"), TaskProperties.empty());
        assertThatThrownBy(() -> client.retry(TaskId.of("live"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("task \"live\" is not done; only a failed or killed task can be retried");
        etcd.put(namespace + "tasks/old/done", ("{\"state\":\"failed\",\"since\":\"2024-05-01T10:00:00Z\","
                + "\"attempts\":1,\"lastError\":\"x\"}").getBytes(StandardCharsets.UTF_8), 0).get();
        assertThatThrownBy(() -> client.retry(TaskId.of("old"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("task \"old\" was retired before done records kept the spec; submit it again instead");
    }
}
