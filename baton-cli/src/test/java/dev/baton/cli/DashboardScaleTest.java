package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.schedule.MisfirePolicy;
import dev.baton.schedule.Schedule;
import dev.baton.schedule.Schedules;
import dev.baton.schedule.Trigger;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskState;
import dev.baton.testkit.EtcdExtension;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard over a namespace of 100,000 plain tasks and 100 heavy ones (ids, owners, command
 * lines, output and errors as long as they may be, every character escaped in JSON), an allocation
 * of 5,000 items, 120 schedules and a full event feed of the longest events: no response of the
 * task API, the fleet, the events or the page grows past 256 KiB. Sizes are measured, not times.
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
    private static final int ITEMS = 5_000;
    private static final int ALLOC_MEMBERS = 50;
    private static final int SCHEDULES = 120;
    private static final int FAILED_RUNS = 200;

    private static Dashboard dashboard;

    @BeforeAll
    static void namespaceOfAHundredThousandTasks() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).requestTimeout(Duration.ofSeconds(60)).build()) {
            String escaped = "\u0001".repeat(TaskState.MAX_ERROR_CHARS);
            String owner = "m".repeat(128);
            List<Operation> ops = new ArrayList<>();
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
            writeAllocation(etcd);
            writeSchedules(etcd);
            // Loading the namespace into the dashboard's cache takes longer than the default request timeout on a busy machine.
            dashboard = Dashboard.start(Etcd.builder().endpoints(ETCD.endpoint()).requestTimeout(Duration.ofSeconds(60)).build(), NS,
                    new HostAndPort("127.0.0.1", 0), Optional.empty(), new FleetMetrics());
            failRuns(etcd);
        }
    }

    /**
     * {@value #ITEMS} items of three replicas over {@value #ALLOC_MEMBERS} members with long names,
     * statuses longer than a row carries, and every tenth item with a replica not ready.
     */
    private static void writeAllocation(Etcd etcd) throws Exception {
        List<Operation> ops = new ArrayList<>();
        for (int m = 0; m < ALLOC_MEMBERS; m++) {
            ops.add(put("alloc/members/" + allocMember(m), "{\"zone\":\"z\",\"capacity\":1000}"));
        }
        String status = "\u0001".repeat(AllocationGrid.STATUS_CHARS * 4);
        for (int i = 0; i < ITEMS; i++) {
            String item = String.format("item-%05d-", i) + "i".repeat(100);
            ops.add(put("alloc/items/" + item, "{\"replicas\":3}"));
            for (int r = 0; r < 3; r++) {
                ops.add(put("alloc/assign/" + item + "/" + allocMember((i + r) % ALLOC_MEMBERS),
                        i % 10 == 0 && r == 2 ? "" : status));
            }
        }
        write(etcd, ops, OPS_PER_TXN);
    }

    private static String allocMember(int m) {
        return String.format("alloc-member-%02d-", m) + "a".repeat(100);
    }

    /** More schedules than the fleet lists, with the longest names and long command lines. */
    private static void writeSchedules(Etcd etcd) {
        Schedules schedules = Schedules.create(etcd, NS);
        TaskProperties properties = new CommandTask(List.of("echo", "\u0001".repeat(2_000)), Optional.empty()).toProperties();
        for (int i = 0; i < SCHEDULES; i++) {
            String name = String.format("schedule-%03d-", i);
            schedules.create(name + "s".repeat(Schedule.MAX_NAME_BYTES - name.length()),
                    new Trigger.FixedRate(Duration.ofMinutes(1 + i)), MisfirePolicy.fireOnce(), properties);
        }
    }

    /**
     * Makes the dashboard see as many failed runs as it keeps events, each with an error line longer
     * than an event carries, every character escaped in JSON.
     */
    private static void failRuns(Etcd etcd) throws Exception {
        String fault = JSON.createObjectNode().put("state", "fault").put("since", SINCE).put("until", SINCE).put("attempts", 1)
                .put("lastError", "\u0001".repeat(400)).toString();
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < FAILED_RUNS; i++) {
            ops.add(put(String.format("tasks/task-%06d/state", PLAIN - 1 - i), fault));
        }
        write(etcd, ops, OPS_PER_TXN);
        await().atMost(Duration.ofSeconds(60)).until(() -> dashboard.fleet().recentEvents().stream()
                .filter(event -> event.kind().equals("fault")).count() == FAILED_RUNS);
    }

    @AfterAll
    static void stop() {
        dashboard.close();
    }

    private static Operation put(String key, String value) {
        return Operations.put(NS + key, value.getBytes(StandardCharsets.UTF_8), 0);
    }

    /** Writes {@code ops} in transactions of {@code perTxn} operations, a few at a time. */
    private static void write(Etcd etcd, List<Operation> ops, int perTxn) throws Exception {
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
        assertThat(counts.path("states").path("runnable").asInt()).isEqualTo(PLAIN - FAILED_RUNS);
        assertThat(counts.path("states").path("fault").asInt()).isEqualTo(FAILED_RUNS);
        assertThat(counts.path("states").path("failed").asInt()).isEqualTo(HEAVY);
    }

    @Test
    void theFleetAndThePageStayBounded() throws Exception {
        JsonNode fleet = JSON.readTree(get("api/fleet"));
        String page = get("");

        assertThat(fleet.path("taskCounts").path("total").asInt()).isEqualTo(PLAIN + HEAVY);
        assertThat(fleet.path("members").get(0).path("held").asInt()).isEqualTo(PLAIN / 10 / 7 + 1);
        assertThat(page).contains("a00000-").doesNotContain("task-099999");
        assertThat(JSON.readTree(get("api/events")).size()).isBetween(1, FAILED_RUNS);
    }

    /**
     * The page at this size in a headless Chromium: complete (counts, a page of tasks, the charts,
     * the grid) when its script has run. How long the page, the browser and each filter took is
     * printed (to this class's test output), not judged: timings are not asserted in tests. Each
     * request is timed three times, the first one cold.
     */
    @Test
    void thePageOpensInABrowserAtThisSize(@TempDir Path dir) throws Exception {
        HeadlessChromium chromium = HeadlessChromium.in(dir);
        int[] pageBytes = new int[1];
        String pageMillis = timed(() -> pageBytes[0] = get("").getBytes(StandardCharsets.UTF_8).length);

        String dom = chromium.dumpDom(dashboard.url());

        assertThat(dom).contains((PLAIN + HEAVY) + " in all").contains("class=\"task\"")
                .contains("class=\"area runnable\"").contains("class=\"held\"")
                .contains(ITEMS + " items, " + ITEMS / 10 + " needing attention").contains(SCHEDULES + " in all");
        Matcher rendered = Pattern.compile("data-rendered-ms=\"(\\d+)\"").matcher(dom);
        assertThat(rendered.find()).as("the page's script ran to its end").isTrue();
        StringBuilder report = new StringBuilder(String.format("dashboard with %,d tasks, %,d items, %d schedules: "
                + "page %d KiB served in %s ms, complete in Chromium %s ms after navigation started%n",
                PLAIN + HEAVY, ITEMS, SCHEDULES, pageBytes[0] / 1024, pageMillis, rendered.group(1)));
        for (String filter : List.of("state=runnable", "state=failed", "state=fault", "owner=member-3", "prefix=task-05",
                "after=task-099000")) {
            int[] rows = new int[1];
            String millis = timed(() -> rows[0] = JSON.readTree(get("api/tasks?" + filter)).path("tasks").size());
            report.append(String.format("  api/tasks?%-17s %3d rows in %s ms%n", filter, rows[0], millis));
        }
        System.out.print(report);
    }

    private interface Request {
        void send() throws Exception;
    }

    /**
     * The milliseconds each of three sendings of {@code request} took, as "first / second / third",
     * each followed by the CPU milliseconds the dashboard's request threads spent meanwhile, which
     * the machine's load does not inflate as it does the time.
     */
    private static String timed(Request request) throws Exception {
        List<String> millis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long cpu = requestThreadsCpuNanos();
            long started = System.nanoTime();
            request.send();
            millis.add(String.format("%d (cpu %d)", (System.nanoTime() - started) / 1_000_000,
                    (requestThreadsCpuNanos() - cpu) / 1_000_000));
        }
        return String.join(" / ", millis);
    }

    /** The CPU time the dashboard's request threads ({@code baton-dashboard-N}) have used so far. */
    private static long requestThreadsCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().matches("baton-dashboard-\\d+"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum();
    }

    @Test
    void theFleetCountsTheWholeAllocationAndListsABoundedPartOfItAndOfTheSchedules() throws Exception {
        JsonNode fleet = JSON.readTree(get("api/fleet"));

        JsonNode allocation = fleet.path("allocation");
        assertThat(allocation.path("items").asInt()).isEqualTo(ITEMS);
        assertThat(allocation.path("needingAttention").asInt()).isEqualTo(ITEMS / 10);
        assertThat(allocation.path("members").size()).isEqualTo(ALLOC_MEMBERS);
        assertThat(allocation.path("rows").size()).isBetween(1, AllocationGrid.MAX_ROWS);
        assertThat(allocation.path("rows")).allSatisfy(row -> assertThat(row.path("assigned").asInt()).isEqualTo(3))
                .allSatisfy(row -> assertThat(row.path("route").get(2).path("ready").asBoolean()).isFalse());
        assertThat(fleet.path("schedules").path("total").asInt()).isEqualTo(SCHEDULES);
        assertThat(fleet.path("schedules").path("rows").size()).isBetween(1, FleetSchedules.MAX_ROWS);
    }
}
