package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Watch;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client learning that tasks end: {@link TaskClient#await}, {@link TaskClient#whenDone} and {@link TaskClient#onEnds}. */
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
        assertThat(client.get(TaskId.of("report")).orElseThrow().properties())
                .contains(TaskProperties.parse("{\"month\":\"2024-05\"}"));
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

    @Test
    void onEndsTellsEachTaskThatEndsAfterItStartsAndNoneBefore() throws Exception {
        client.submit(TaskId.of("earlier"), TaskProperties.empty());
        member("m1", context -> { });
        client.await(TaskId.of("earlier"), WAIT);
        List<TaskInfo> ends = new CopyOnWriteArrayList<>();
        Watch watch = ETCD.add(client.onEnds(ends::add));

        client.submit(TaskId.of("later"), TaskProperties.empty());
        client.await(TaskId.of("later"), WAIT);

        await().atMost(WAIT).until(() -> ends.size() == 1);
        assertThat(ends.get(0).id()).isEqualTo(TaskId.of("later"));
        assertThat(ends.get(0).status()).contains(TaskStatus.COMPLETED);
        watch.close();
        client.submit(TaskId.of("unheard"), TaskProperties.empty());
        client.await(TaskId.of("unheard"), WAIT);
        await().during(Duration.ofMillis(300)).until(() -> ends.size() == 1);
    }

    @Test
    void endsWrittenWhileTheHistoryWasCompactedAreReadBackAndToldInOrder() throws Exception {
        member("m1", context -> { });
        long before = etcd.range(KeyRange.key(namespace)).get().revision();
        for (String id : List.of("first", "second")) {
            client.submit(TaskId.of(id), TaskProperties.empty());
            client.await(TaskId.of(id), WAIT);
        }
        etcd.compact(etcd.range(KeyRange.key(namespace)).get().revision()).get();
        List<TaskInfo> ends = new CopyOnWriteArrayList<>();

        ETCD.add(TaskEnds.after(before, etcd, new Keyspace(namespace), ends::add));
        await().atMost(WAIT).until(() -> ends.size() == 2);
        client.submit(TaskId.of("third"), TaskProperties.empty());

        await().atMost(WAIT).until(() -> ends.size() == 3);
        assertThat(ends).extracting(TaskInfo::id)
                .containsExactly(TaskId.of("first"), TaskId.of("second"), TaskId.of("third"));
    }
}
