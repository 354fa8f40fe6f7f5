package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskClientTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private Etcd etcd;
    private String namespace;
    private TaskClient client;

    @BeforeEach
    void connect() {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        namespace = "client-" + UUID.randomUUID() + "/";
        client = TaskClient.create(etcd, namespace);
    }

    @AfterEach
    void disconnect() {
        etcd.close();
    }

    @Test
    void aSubmittedTaskIsListedRunnableWithItsPropertiesAndTimes() {
        Instant notBefore = Instant.parse("2030-01-01T00:00:00Z");
        long revision = client.submit(TaskId.of("a"), TaskProperties.parse("{\"n\":1}"), notBefore);

        List<TaskInfo> tasks = client.list();
        assertThat(tasks).hasSize(1);
        TaskInfo info = tasks.get(0);
        assertThat(info.id()).isEqualTo(TaskId.of("a"));
        assertThat(info.valid()).isTrue();
        assertThat(info.properties()).contains(TaskProperties.parse("{\"n\":1}"));
        assertThat(info.notBefore()).contains(notBefore);
        assertThat(info.submitted()).isPresent();
        assertThat(info.status()).contains(TaskStatus.RUNNABLE);
        assertThat(info.since()).isEqualTo(info.submitted());
        assertThat(info.owner()).isEmpty();
        assertThat(info.done()).isFalse();
        assertThat(revision).isPositive();
        assertThat(client.get(TaskId.of("a"))).contains(info);
    }

    @Test
    void aDuplicateSubmitIsRefusedNamingTheId() {
        client.submit(TaskId.of("dup"), TaskProperties.empty());

        assertThatThrownBy(() -> client.submit(TaskId.of("dup"), TaskProperties.parse("{\"other\":true}")))
                .isInstanceOf(DuplicateTaskException.class)
                .hasMessageStartingWith("task \"dup\" already exists (submitted at revision ");
        assertThat(client.get(TaskId.of("dup")).orElseThrow().properties()).contains(TaskProperties.empty());
    }

    @Test
    void aDoneTaskCannotBeSubmittedAgainUntilDeleted() throws Exception {
        etcd.put(namespace + "tasks/finished/done",
                utf8("{\"state\":\"completed\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":0}"), 0).get();

        assertThatThrownBy(() -> client.submit(TaskId.of("finished"), TaskProperties.empty()))
                .isInstanceOf(DuplicateTaskException.class)
                .hasMessage("task \"finished\" is done; delete it before submitting the id again");
        TaskInfo done = client.get(TaskId.of("finished")).orElseThrow();
        assertThat(done.done()).isTrue();
        assertThat(done.status()).contains(TaskStatus.COMPLETED);

        assertThat(client.delete(TaskId.of("finished"))).isTrue();
        client.submit(TaskId.of("finished"), TaskProperties.empty());
        assertThat(client.get(TaskId.of("finished")).orElseThrow().done()).isFalse();
    }

    @Test
    void deletingRemovesTheTaskAndItsCommands() {
        client.submit(TaskId.of("gone"), TaskProperties.empty());
        client.send(TaskId.of("gone"), TaskCommand.PAUSE);

        assertThat(client.delete(TaskId.of("gone"))).isTrue();
        assertThat(client.delete(TaskId.of("gone"))).isFalse();
        assertThat(client.list()).isEmpty();
        assertThat(client.get(TaskId.of("gone"))).isEmpty();
    }

    @Test
    void corruptRecordsAreListedAsInvalidWithoutHidingTheOtherTasks() throws Exception {
        client.submit(TaskId.of("good"), TaskProperties.empty());
        client.submit(TaskId.of("bad-state"), TaskProperties.empty());
        etcd.put(namespace + "tasks/bad-spec/spec", utf8("{not json"), 0).get();
        etcd.put(namespace + "tasks/bad-state/state", utf8("{\"state\":\"dancing\"}"), 0).get();

        List<TaskInfo> tasks = client.list();

        assertThat(tasks).extracting(info -> info.id().value()).containsExactly("bad-spec", "bad-state", "good");
        assertThat(tasks.get(0).valid()).isFalse();
        assertThat(tasks.get(0).problems()).singleElement().asString()
                .startsWith("invalid task spec \"{not json\": not valid JSON");
        assertThat(tasks.get(0).properties()).isEmpty();
        assertThat(tasks.get(1).valid()).isFalse();
        assertThat(tasks.get(1).problems()).singleElement().asString()
                .contains("field \"state\" must be one of runnable");
        assertThat(tasks.get(1).properties()).contains(TaskProperties.empty());
        assertThat(tasks.get(2).valid()).isTrue();
    }

    @Test
    void aCommandForAMissingTaskIsRefused() {
        assertThatThrownBy(() -> client.send(TaskId.of("nobody"), TaskCommand.KILL))
                .isInstanceOf(NoSuchTaskException.class)
                .hasMessage("no task \"nobody\" to command: it does not exist or is done");
    }

    @Test
    void memberCommandsAreStoredForMembersNotYetRunning() throws Exception {
        String key = client.send("later", MemberCommand.freeze());

        assertThat(key).startsWith(namespace + "commands/members/later/");
        assertThat(etcd.get(key).get().orElseThrow().valueUtf8()).isEqualTo("{\"command\":\"freeze\"}");
        assertThatThrownBy(() -> client.send("a/b", MemberCommand.balance()))
                .isInstanceOf(TaskFormatException.class)
                .hasMessage("invalid member id \"a/b\": must not contain '/' (at index 1)");
    }

    @Test
    void aNamespaceMustEndWithASlash() {
        assertThatThrownBy(() -> TaskClient.create(etcd, "tasks"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("namespace must be non-empty and end in '/', is \"tasks\"");
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
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
