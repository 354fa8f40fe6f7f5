package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Members holding many long-running tasks with a non-blocking handler: a few threads whatever
 * they hold, a fair spread, and a close that is bounded by the stop timeout, not the hold-off.
 * The full sizes (100,000 tasks over 10 members) live in {@code baton bench scale}.
 */
class TaskMemberScaleTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private Etcd etcd;
    private String namespace;
    private TaskClient client;

    @BeforeEach
    void connect() {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).requestTimeout(Duration.ofSeconds(20)).build();
        namespace = "scale-" + UUID.randomUUID() + "/";
        client = TaskClient.create(etcd, namespace);
    }

    @AfterEach
    void disconnect() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        etcd.close();
    }

    private void submit(int count) {
        List<TaskSubmission> submissions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            submissions.add(TaskSubmission.of(TaskId.of(String.format("job-%05d", i)), TaskProperties.empty()));
        }
        assertThat(client.submitAll(submissions).allSubmitted()).isTrue();
    }

    /** A handler that holds its task until told to stop, without a thread. */
    private static AsyncTaskHandler holding(AtomicInteger started) {
        return context -> {
            started.incrementAndGet();
            return context.whenStopRequested().thenCompose(reason ->
                    CompletableFuture.failedFuture(new TaskStoppedException(context.id(), reason)));
        };
    }

    private TaskMember member(String id, AsyncTaskHandler handler) {
        Etcd connection = Etcd.builder().endpoints(ETCD.endpoint()).requestTimeout(Duration.ofSeconds(20)).build();
        TaskMember member = TaskMember.builder(connection, id).namespace(namespace).asyncHandler(handler)
                .maxConcurrentTasks(10_000).start();
        opened.add(connection);
        opened.add(member);
        return member;
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void fourMembersHoldTenThousandTasksFairlyOnAFewThreadsEach() {
        AtomicInteger started = new AtomicInteger();
        List<TaskMember> members = new ArrayList<>();
        for (String id : List.of("a", "b", "c", "d")) {
            members.add(member(id, holding(started)));
        }
        submit(10_000);

        await().atMost(Duration.ofMinutes(3)).until(() -> members.stream()
                .allMatch(m -> m.status().tasks().size() == 2_500));

        assertThat(started.get()).as("handler starts: every task once").isEqualTo(10_000);
        for (TaskMember member : members) {
            assertThat(threadsNamed("baton-task-" + member.id() + "-")).as("handler threads of %s", member.id())
                    .isLessThanOrEqualTo(HandlerRunner.ASYNC_THREADS);
        }
    }

    @Test
    void closingWithRunningTasksDoesNotWaitForTheHoldOff() {
        AtomicInteger started = new AtomicInteger();
        Etcd connection = Etcd.builder().endpoints(ETCD.endpoint()).build();
        opened.add(connection);
        TaskMember member = TaskMember.builder(connection, "closing").namespace(namespace)
                .asyncHandler(holding(started)).releaseHoldOff(Duration.ofMinutes(1))
                .stopTimeout(Duration.ofSeconds(30)).start();
        submit(20);
        await().atMost(Duration.ofSeconds(30)).until(() -> member.status().tasks().size() == 20);

        long begin = System.nanoTime();
        member.close();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);

        assertThat(took).as("close() with 20 running tasks and a hold-off of 1 min")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(client.list()).hasSize(20).allMatch(info -> info.owner().isEmpty());
    }
}
