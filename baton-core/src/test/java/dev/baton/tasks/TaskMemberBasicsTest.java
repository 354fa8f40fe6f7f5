package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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

    private TaskMember member(String id, TaskHandler handler) {
        return TaskMember.builder(etcd, id).namespace(namespace).sessionTtl(Duration.ofSeconds(2))
                .handler(handler).start();
    }
}
