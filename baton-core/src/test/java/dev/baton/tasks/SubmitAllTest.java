package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TaskClient#submitAll} against real etcd with its default limits. */
class SubmitAllTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Instant NOW = Instant.parse("2030-05-01T10:00:00.123456Z");

    private Etcd etcd;
    private String namespace;
    private TaskClient client;

    @BeforeEach
    void connect() {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        namespace = "submit-all-" + UUID.randomUUID() + "/";
        client = TaskClient.create(etcd, namespace, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void disconnect() {
        etcd.close();
    }

    @Test
    void aBatchOfManyTransactionsStoresEveryTaskAsTheSingleSubmitDoes() throws Exception {
        Instant later = Instant.parse("2031-01-01T00:00:00Z");
        List<TaskSubmission> submissions = IntStream.range(0, 300)
                .mapToObj(i -> i % 3 == 0
                        ? TaskSubmission.of(TaskId.of("t" + i), TaskProperties.parse("{\"n\":" + i + "}"), later)
                        : TaskSubmission.of(TaskId.of("t" + i), TaskProperties.parse("{\"n\":" + i + "}")))
                .toList();

        SubmitAllResult result = client.submitAll(submissions);

        assertThat(result.submitted()).containsExactlyElementsOf(submissions.stream().map(TaskSubmission::id).toList());
        assertThat(result.duplicates()).isEmpty();
        assertThat(result.allSubmitted()).isTrue();
        List<TaskInfo> listed = client.list();
        assertThat(listed).hasSize(300).allSatisfy(info -> {
            int n = Integer.parseInt(info.id().value().substring(1));
            assertThat(info.valid()).isTrue();
            assertThat(info.properties()).contains(TaskProperties.parse("{\"n\":" + n + "}"));
            assertThat(info.status()).contains(TaskStatus.RUNNABLE);
            assertThat(info.submitted()).contains(NOW);
            assertThat(info.notBefore()).isEqualTo(n % 3 == 0 ? java.util.Optional.of(later) : java.util.Optional.empty());
        });
        client.submit(TaskId.of("single"), TaskProperties.parse("{\"n\":1}"));
        assertThat(value("tasks/t1/spec")).isEqualTo(value("tasks/single/spec"));
        assertThat(etcd.range(KeyRange.prefix(namespace)).get().kvs()).hasSize(301)
                .allSatisfy(kv -> assertThat(kv.key()).endsWith("/spec"));
    }

    @Test
    void propertiesBeyondTheRequestLimitAreSplitIntoSeveralTransactions() {
        String filler = "x".repeat(60 * 1024);
        List<TaskSubmission> submissions = IntStream.range(0, 40)
                .mapToObj(i -> TaskSubmission.of(TaskId.of("big-" + i),
                        TaskProperties.parse("{\"i\":" + i + ",\"filler\":\"" + filler + "\"}")))
                .toList();

        SubmitAllResult result = client.submitAll(submissions);

        assertThat(result.submitted()).hasSize(40);
        assertThat(client.list()).hasSize(40).allSatisfy(info ->
                assertThat(info.properties().orElseThrow().tree().get("filler").textValue()).isEqualTo(filler));
    }

    @Test
    void takenIdsAreRefusedByNameAndTheOthersSubmitted() throws Exception {
        client.submit(TaskId.of("live"), TaskProperties.parse("{\"first\":true}"));
        etcd.put(namespace + "tasks/finished/done",
                utf8("{\"state\":\"completed\",\"since\":\"2030-05-01T09:00:00Z\",\"attempts\":0}"), 0).get();

        SubmitAllResult result = client.submitAll(List.of(
                TaskSubmission.of(TaskId.of("new-1"), TaskProperties.empty()),
                TaskSubmission.of(TaskId.of("live"), TaskProperties.parse("{\"second\":true}")),
                TaskSubmission.of(TaskId.of("finished"), TaskProperties.empty()),
                TaskSubmission.of(TaskId.of("new-2"), TaskProperties.empty())));

        assertThat(result.submitted()).containsExactly(TaskId.of("new-1"), TaskId.of("new-2"));
        assertThat(result.duplicates()).containsExactly(TaskId.of("live"), TaskId.of("finished"));
        assertThat(result.allSubmitted()).isFalse();
        assertThat(client.get(TaskId.of("live")).orElseThrow().properties())
                .contains(TaskProperties.parse("{\"first\":true}"));
        assertThat(client.get(TaskId.of("finished")).orElseThrow().done()).isTrue();
        assertThat(client.get(TaskId.of("new-2")).orElseThrow().status()).contains(TaskStatus.RUNNABLE);
    }

    @Test
    void anIdGivenTwiceIsRefusedBeforeAnythingIsSubmitted() {
        List<TaskSubmission> submissions = List.of(
                TaskSubmission.of(TaskId.of("a"), TaskProperties.empty()),
                TaskSubmission.of(TaskId.of("b"), TaskProperties.empty()),
                TaskSubmission.of(TaskId.of("a"), TaskProperties.parse("{\"again\":1}")));

        assertThatThrownBy(() -> client.submitAll(submissions))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task id \"a\" is given more than once (at indexes 0 and 2)");
        assertThat(client.list()).isEmpty();
    }

    @Test
    void anEmptyBatchSubmitsNothing() {
        SubmitAllResult result = client.submitAll(List.of());

        assertThat(result.submitted()).isEmpty();
        assertThat(result.duplicates()).isEmpty();
    }

    @Test
    void concurrentBatchesWithOverlappingIdsSubmitEachIdExactlyOnce() {
        int clients = 4;
        List<Etcd> connections = new ArrayList<>();
        List<CompletableFuture<SubmitAllResult>> runs = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                Etcd connection = Etcd.builder().endpoints(ETCD.endpoint()).build();
                connections.add(connection);
                TaskClient own = TaskClient.create(connection, namespace);
                int from = c * 150;
                List<TaskSubmission> submissions = IntStream.range(from, from + 400)
                        .mapToObj(i -> TaskSubmission.of(TaskId.of("task-" + (i * 7919 % 1000)),
                                TaskProperties.parse("{\"client\":" + from + "}")))
                        .toList();
                runs.add(CompletableFuture.supplyAsync(() -> own.submitAll(submissions)));
            }
            Map<TaskId, Integer> winners = new HashMap<>();
            Set<TaskId> given = new HashSet<>();
            for (int c = 0; c < clients; c++) {
                SubmitAllResult result = runs.get(c).join();
                for (TaskId id : result.submitted()) {
                    assertThat(winners.put(id, c * 150)).as("%s submitted twice", id).isNull();
                }
                given.addAll(result.submitted());
                given.addAll(result.duplicates());
                assertThat(result.submitted().size() + result.duplicates().size()).isEqualTo(400);
            }
            assertThat(winners.keySet()).isEqualTo(given);
            List<TaskInfo> listed = client.list();
            assertThat(listed).hasSize(given.size());
            for (TaskInfo info : listed) {
                assertThat(info.properties().orElseThrow().tree().get("client").intValue())
                        .as("the client that reported %s submitted stored it", info.id())
                        .isEqualTo(winners.get(info.id()));
            }
        } finally {
            connections.forEach(Etcd::close);
        }
    }

    private String value(String key) throws Exception {
        return etcd.get(namespace + key).get().orElseThrow().valueUtf8();
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
