package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskMemberBasicsTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private Etcd etcd;
    private String namespace;
    private TaskClient client;

    @BeforeEach
    void connect() {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        namespace = "basics-" + UUID.randomUUID() + "/";
        client = TaskClient.create(etcd, namespace);
    }

    @AfterEach
    void disconnect() {
        etcd.close();
    }

    @Test
    void twoMembersCompleteEveryTaskOnce() {
        Map<TaskId, AtomicInteger> completions = new ConcurrentHashMap<>();
        TaskHandler handler = context -> completions.computeIfAbsent(context.id(), id -> new AtomicInteger()).incrementAndGet();
        try (TaskMember a = member("a", handler); TaskMember b = member("b", handler)) {
            for (int i = 0; i < 20; i++) {
                client.submit(TaskId.of("t" + i), TaskProperties.empty());
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> client.list().stream().allMatch(TaskInfo::done));
        }
        assertThat(completions).hasSize(20);
        assertThat(completions.values()).allMatch(count -> count.get() == 1);
        assertThat(client.list()).allSatisfy(info -> assertThat(info.status()).contains(TaskStatus.COMPLETED));
    }

    @Test
    void aDoneTaskKeepsItsPropertiesSubmitInstantAndNotBefore() {
        TaskProperties properties = TaskProperties.parse("{\"order\":42}");
        Instant notBefore = Instant.now().minusSeconds(5);
        client.submit(TaskId.of("kept"), properties, notBefore);
        TaskInfo live = client.get(TaskId.of("kept")).orElseThrow();
        try (TaskMember a = member("a", context -> { })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> client.get(TaskId.of("kept")).orElseThrow().done());
        }
        TaskInfo done = client.get(TaskId.of("kept")).orElseThrow();
        assertThat(done.status()).contains(TaskStatus.COMPLETED);
        assertThat(done.properties()).contains(properties);
        assertThat(done.submitted()).isEqualTo(live.submitted()).isPresent();
        assertThat(done.notBefore()).contains(notBefore);
        assertThat(done.problems()).isEmpty();
    }

    @Test
    void aMemberClaimsAheadYetRunsNoMoreThanItsLimitAndReleasesWhatWaitsWhenClosed() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch finish = new CountDownLatch(1);
        TaskHandler handler = context -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                finish.await();
            } finally {
                running.decrementAndGet();
            }
        };
        for (int i = 0; i < 10; i++) {
            client.submit(TaskId.of("t" + i), TaskProperties.empty());
        }
        try (TaskMember a = TaskMember.builder(etcd, "a").namespace(namespace).sessionTtl(Duration.ofSeconds(2))
                .maxConcurrentTasks(2).claimAhead(3).handler(handler).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> ownedBy("a") == 5 && running.get() == 2);
            finish.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.list().stream().allMatch(TaskInfo::done));
        }
        assertThat(mostAtOnce.get()).isEqualTo(2);

        CountDownLatch never = new CountDownLatch(1);
        for (int i = 0; i < 5; i++) {
            client.submit(TaskId.of("u" + i), TaskProperties.empty());
        }
        TaskMember b = TaskMember.builder(etcd, "b").namespace(namespace).sessionTtl(Duration.ofSeconds(2))
                .maxConcurrentTasks(1).claimAhead(4).stopTimeout(Duration.ofMillis(500))
                .handler(context -> never.await()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> ownedBy("b") == 5);
        b.close();
        assertThat(ownedBy("b")).isZero();
        assertThat(client.list().stream().filter(info -> info.id().value().startsWith("u")))
                .allSatisfy(info -> assertThat(info.done()).isFalse());
    }

    private long ownedBy(String member) {
        return client.list().stream().filter(info -> info.owner().map(o -> o.member().equals(member)).orElse(false))
                .count();
    }

    private TaskMember member(String id, TaskHandler handler) {
        return TaskMember.builder(etcd, id).namespace(namespace).sessionTtl(Duration.ofSeconds(2))
                .handler(handler).start();
    }
}
