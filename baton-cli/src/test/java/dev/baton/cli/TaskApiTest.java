package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.etcd.Etcd;
import dev.baton.tasks.TaskState;
import dev.baton.testkit.EtcdExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/tasks} and {@code /api/tasks/counts} over a fleet of five tasks written by hand:
 * pages follow one another in id order, filters select on the server, counts list nothing, and a
 * parameter that is not understood is refused naming it.
 */
class TaskApiTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SINCE = Instant.parse("2030-01-01T00:00:00Z");

    private Dashboard dashboard;

    @BeforeEach
    void fleetOfFiveTasks() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            put(etcd, "api/members/alpha", "{\"frozen\":false}");
            put(etcd, "api/members/beta", "{\"frozen\":false}");
            task(etcd, "t1", "{\"state\":\"runnable\",\"since\":\"" + SINCE + "\",\"attempts\":0}", "alpha");
            task(etcd, "t2", TaskState.initial(SINCE).encode(), null);
            done(etcd, "t3", "{\"state\":\"completed\",\"since\":\"" + SINCE + "\",\"attempts\":0}");
            done(etcd, "t4", "{\"state\":\"failed\",\"since\":\"" + SINCE + "\",\"attempts\":3,\"lastError\":\"boom\"}");
            task(etcd, "u1", "{\"state\":\"paused\",\"since\":\"" + SINCE + "\",\"attempts\":0}", "beta");
        }
        dashboard = Dashboard.start(Etcd.builder().endpoints(ETCD.endpoint()).build(), "api/",
                new HostAndPort("127.0.0.1", 0), Optional.empty(), new FleetMetrics());
    }

    @AfterEach
    void stop() {
        dashboard.close();
        ETCD.process().etcdctl("del", "--prefix", "api/");
    }

    private static void put(Etcd etcd, String key, String value) throws Exception {
        etcd.put(key, value.getBytes(StandardCharsets.UTF_8), 0).get();
    }

    private static void task(Etcd etcd, String id, String state, String owner) throws Exception {
        put(etcd, "api/tasks/" + id + "/spec", "{\"properties\":{\"argv\":[\"echo\",\"" + id + "\"]},\"submitted\":\"" + SINCE + "\"}");
        put(etcd, "api/tasks/" + id + "/state", state);
        if (owner != null) {
            put(etcd, "api/tasks/" + id + "/owner", owner);
        }
    }

    private static void done(Etcd etcd, String id, String state) throws Exception {
        put(etcd, "api/tasks/" + id + "/done", state);
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(dashboard.url() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("tasks").forEach(task -> ids.add(task.path("id").asText()));
        return ids;
    }

    @Test
    void pagesFollowOneAnotherInIdOrderUntilNextIsNull() throws Exception {
        JsonNode first = json("api/tasks?limit=2");
        JsonNode second = json("api/tasks?limit=2&after=" + first.path("next").asText());
        JsonNode last = json("api/tasks?limit=2&after=" + second.path("next").asText());

        assertThat(ids(first)).containsExactly("t1", "t2");
        assertThat(ids(second)).containsExactly("t3", "t4");
        assertThat(ids(last)).containsExactly("u1");
        assertThat(last.path("next").isNull()).isTrue();
    }

    @Test
    void aKeyDirectlyUnderTasksShowsAsATaskWithoutState() throws Exception {
        ETCD.process().etcdctl("put", "api/tasks/stray", "x");

        JsonNode page = await().atMost(Duration.ofSeconds(30)).until(() -> json("api/tasks?prefix=s"),
                rows -> rows.path("tasks").size() == 1);

        assertThat(page.path("tasks").get(0).path("id").asText()).isEqualTo("stray");
        assertThat(page.path("tasks").get(0).has("state")).isFalse();
    }

    /** A live task may have no state record: with a spec and no done record, it has not run yet. */
    @Test
    void aTaskWithASpecAndNoStateRecordIsRunnableSinceItWasSubmittedInRowsCountsAndListings() throws Exception {
        String submitted = "2030-02-01T00:00:00Z";
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            put(etcd, "api/tasks/w1/spec", "{\"properties\":{\"argv\":[\"echo\",\"w1\"]},\"submitted\":\"" + submitted + "\"}");
        }

        JsonNode row = await().atMost(Duration.ofSeconds(30)).until(() -> json("api/tasks?prefix=w").path("tasks"),
                rows -> rows.size() == 1).get(0);

        assertThat(row.path("state").asText()).isEqualTo("runnable");
        assertThat(row.path("attempts").asInt()).isZero();
        assertThat(row.path("since").asText()).isEqualTo(submitted);
        assertThat(row.path("done").asBoolean()).isFalse();
        assertThat(ids(json("api/tasks?state=runnable"))).containsExactly("t1", "t2", "w1");
        assertThat(json("api/tasks/counts").path("states").path("runnable").asInt()).isEqualTo(3);
        FleetListing.Tasks listing = new FleetListing.Tasks();
        listing.state = "runnable";
        StringWriter printed = new StringWriter();
        listing.print(new PrintWriter(printed), dashboard.fleet());
        assertThat(printed.toString().lines()).anyMatch(line -> line.matches("w1 +runnable +- +0 +- +" + submitted + ".*"));
    }

    @Test
    void aPageAfterAnIdThatIsGoneStartsWhereThatIdWouldBe() throws Exception {
        assertThat(ids(json("api/tasks?after=t2x"))).containsExactly("t3", "t4", "u1");
    }

    @Test
    void rowsCarryStateOwnerCommandAndError() throws Exception {
        JsonNode rows = json("api/tasks").path("tasks");

        assertThat(rows.get(0).path("state").asText()).isEqualTo("runnable");
        assertThat(rows.get(0).path("owner").asText()).isEqualTo("alpha");
        assertThat(rows.get(0).path("command").asText()).isEqualTo("echo t1");
        assertThat(rows.get(3).path("lastError").asText()).isEqualTo("boom");
        assertThat(rows.get(3).path("done").asBoolean()).isTrue();
    }

    @Test
    void aRowCutsLongTextsAtWholeCharacters() throws Exception {
        String output = "\uD83D\uDE00".repeat(1500) + "x";
        String state = JSON.createObjectNode().put("state", "failed").put("since", SINCE.toString()).put("attempts", 1)
                .put("lastError", "e".repeat(TaskState.MAX_ERROR_CHARS))
                .put("checkpoint", new CommandResult(1, Duration.ofMillis(5), false, output).toJson()).toString();
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            done(etcd, "v1", state);
        }

        JsonNode row = await().atMost(Duration.ofSeconds(30)).until(() -> json("api/tasks?prefix=v").path("tasks"),
                rows -> rows.size() == 1).get(0);

        assertThat(row.path("output").asText()).isEqualTo("…" + "\uD83D\uDE00".repeat(TaskPages.TEXT_CHARS / 2 - 1) + "x");
        assertThat(row.path("lastError").asText()).isEqualTo("e".repeat(TaskPages.TEXT_CHARS) + "…");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "state=runnable          | t1 t2",
        "state=completed         | t3",
        "owner=alpha             | t1",
        "prefix=u                | u1",
        "prefix=t&state=failed   | t4",
        "owner=beta&state=paused | u1",
        "owner=beta&prefix=t     | ''",
    })
    void filtersSelectOnTheServer(String query, String expected) throws Exception {
        List<String> ids = ids(json("api/tasks?" + query));

        assertThat(String.join(" ", ids)).isEqualTo(expected);
    }

    @Test
    void countsByStateAndOwnerListNoTask() throws Exception {
        JsonNode counts = json("api/tasks/counts");

        assertThat(counts.path("total").asInt()).isEqualTo(5);
        assertThat(counts.path("states").path("runnable").asInt()).isEqualTo(2);
        assertThat(counts.path("states").path("paused").asInt()).isEqualTo(1);
        assertThat(counts.path("states").path("completed").asInt()).isEqualTo(1);
        assertThat(counts.path("states").path("failed").asInt()).isEqualTo(1);
        assertThat(counts.path("states").path("killed").asInt()).isZero();
        assertThat(counts.path("held").path("alpha").asInt()).isEqualTo(1);
        assertThat(counts.toString()).doesNotContain("t1");
    }

    @Test
    void theFleetCarriesCountsAndHeldClaimsButNoTaskList() throws Exception {
        JsonNode fleet = json("api/fleet");

        assertThat(fleet.has("tasks")).isFalse();
        assertThat(fleet.path("taskCounts").path("total").asInt()).isEqualTo(5);
        assertThat(fleet.path("members").get(0).path("name").asText()).isEqualTo("alpha");
        assertThat(fleet.path("members").get(0).path("held").asInt()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "limit=0              | limit \"0\"",
        "limit=501            | limit \"501\"",
        "limit=ten            | limit \"ten\"",
        "state=asleep         | state \"asleep\"",
        "after=a%2Fb          | after \"a/b\"",
        "prefix=x%2F          | prefix \"x/\"",
        "colour=red           | \"colour\"",
        "state=paused&state=x | state is given twice",
    })
    void aParameterThatIsNotUnderstoodIsRefusedNamingIt(String query, String named) throws Exception {
        HttpResponse<String> response = get("api/tasks?" + query);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains(named);
    }

    @Test
    void theTaskListingsOnlyAnswerGet() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(dashboard.url() + "api/tasks"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
    }
}
