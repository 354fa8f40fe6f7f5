package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operations;
import dev.baton.tasks.TaskState;
import dev.baton.testkit.EtcdExtension;
import io.etcd.jetcd.op.Op;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard over a namespace of 100,000 plain tasks and 100 heavy ones (ids, owners, command
 * lines, output and errors as long as they may be, every character escaped in JSON): no response
 * of the task API, the fleet or the page grows past 256 KiB. Sizes are measured, not times.
 */
class DashboardScaleTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final int PLAIN = 100_000;
    private static final int HEAVY = 100;
    private static final int MAX_RESPONSE_BYTES = 256 * 1024;
    /** etcd's largest transaction by default. */
    private static final int OPS_PER_TXN = 128;
    private static final String NS = "scale/";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SINCE = "2030-01-01T00:00:00Z";

    private static Dashboard dashboard;

    @BeforeAll
    static void namespaceOfAHundredThousandTasks() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).requestTimeout(Duration.ofSeconds(60)).build()) {
            String escaped = "\u0001".repeat(TaskState.MAX_ERROR_CHARS);
            String owner = "m".repeat(128);
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                ops.add(put("members/member-" + i, "{\"frozen\":false}"));
            }
            ops.add(put("members/" + owner, "{\"frozen\":false}"));
            for (int i = 0; i < HEAVY; i++) {
                String id = String.format("a%05d-", i) + "x".repeat(121);
                ObjectNode argv = JSON.createObjectNode();
                argv.putObject("properties").putArray("argv").add(escaped);
                ops.add(put("tasks/" + id + "/spec", argv.put("submitted", SINCE).toString()));
                ops.add(put("tasks/" + id + "/done", JSON.createObjectNode().put("state", "failed").put("since", SINCE)
                        .put("attempts", 3).put("lastError", escaped)
                        .put("checkpoint", new CommandResult(1, Duration.ofMillis(5), false, escaped).toJson()).toString()));
                ops.add(put("tasks/" + id + "/owner", owner));
            }
            // A heavy task takes about 100 KB of a request: three operations to a transaction keep each well under 2 MiB.
            write(etcd, ops, 3);
            ops.clear();
            String state = TaskState.initial(Instant.parse(SINCE)).encode();
            for (int i = 0; i < PLAIN; i++) {
                String id = String.format("task-%06d", i);
                ops.add(put("tasks/" + id + "/spec", "{\"properties\":{\"argv\":[\"echo\",\"" + i + "\"]},\"submitted\":\"" + SINCE + "\"}"));
                ops.add(put("tasks/" + id + "/state", state));
                if (i % 10 == 0) {
                    ops.add(put("tasks/" + id + "/owner", "member-" + i % 7));
                }
            }
            write(etcd, ops, OPS_PER_TXN);
        }
        dashboard = Dashboard.start(Etcd.builder().endpoints(ETCD.endpoint()).build(), NS,
                new HostAndPort("127.0.0.1", 0), Optional.empty(), new FleetMetrics());
    }

    @AfterAll
    static void stop() {
        dashboard.close();
    }

    private static Op put(String key, String value) {
        return Operations.put(NS + key, value.getBytes(StandardCharsets.UTF_8), 0);
    }

    /** Writes {@code ops} in transactions of {@code perTxn} operations, a few at a time. */
    private static void write(Etcd etcd, List<Op> ops, int perTxn) throws Exception {
        Semaphore inFlight = new Semaphore(8);
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int from = 0; from < ops.size(); from += perTxn) {
            inFlight.acquire();
            writes.add(etcd.txn(List.of(), List.copyOf(ops.subList(from, Math.min(ops.size(), from + perTxn))), List.of())
                    .whenComplete((result, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
    }

    private static String get(String pathAndQuery) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(dashboard.url() + pathAndQuery))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().length).as("bytes of " + pathAndQuery).isLessThan(MAX_RESPONSE_BYTES);
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aPageOfHeavyTasksEndsAtItsByteBudgetAndPointsToTheNext() throws Exception {
        JsonNode page = JSON.readTree(get("api/tasks?limit=" + TaskQuery.MAX_LIMIT));

        assertThat(page.path("tasks").size()).isBetween(1, HEAVY - 1);
        assertThat(page.path("next").asText()).isEqualTo(page.path("tasks").get(page.path("tasks").size() - 1)
                .path("id").asText());
    }

    @Test
    void aFullPageOfPlainTasksStaysBounded() throws Exception {
        JsonNode page = JSON.readTree(get("api/tasks?limit=" + TaskQuery.MAX_LIMIT + "&prefix=task-"));

        assertThat(page.path("tasks").size()).isEqualTo(TaskQuery.MAX_LIMIT);
        assertThat(page.path("next").asText()).isEqualTo(String.format("task-%06d", TaskQuery.MAX_LIMIT - 1));
    }

    @Test
    void aFilteredPageStaysBounded() throws Exception {
        JsonNode page = JSON.readTree(get("api/tasks?limit=" + TaskQuery.MAX_LIMIT + "&state=failed"));

        assertThat(page.path("tasks")).allSatisfy(task -> assertThat(task.path("state").asText()).isEqualTo("failed"));
        assertThat(page.path("next").isNull()).isFalse();
    }

    @Test
    void countsCoverEveryTask() throws Exception {
        JsonNode counts = JSON.readTree(get("api/tasks/counts"));

        assertThat(counts.path("total").asInt()).isEqualTo(PLAIN + HEAVY);
        assertThat(counts.path("states").path("runnable").asInt()).isEqualTo(PLAIN);
        assertThat(counts.path("states").path("failed").asInt()).isEqualTo(HEAVY);
    }

    @Test
    void theFleetAndThePageStayBounded() throws Exception {
        JsonNode fleet = JSON.readTree(get("api/fleet"));
        String page = get("");

        assertThat(fleet.path("taskCounts").path("total").asInt()).isEqualTo(PLAIN + HEAVY);
        assertThat(fleet.path("members").get(0).path("held").asInt()).isEqualTo(PLAIN / 10 / 7 + 1);
        assertThat(page).contains("a00000-").doesNotContain("task-099999");
    }
}
