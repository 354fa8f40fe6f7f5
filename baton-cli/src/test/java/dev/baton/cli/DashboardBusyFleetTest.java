package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.schedule.CronExpression;
import dev.baton.schedule.MisfirePolicy;
import dev.baton.schedule.Schedules;
import dev.baton.schedule.Trigger;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A busy fleet in a headless Chromium: six members (one overloaded), thousands of tasks in every
 * state, tasks finishing in waves, a failover, an allocation of replicated items (one short of a
 * replica, some replicas not ready) and schedules. Every chart, the allocator's grid and the
 * schedules' next fire times render with data. The pictures go to {@code target/screenshots}, or
 * to {@code -Dbaton.screenshots=DIR}: the docs' own ({@code docs/images/dashboard*.png}) are taken
 * with {@code -Dbaton.screenshots=../docs/images}.
 */
class DashboardBusyFleetTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final String NS = "busy/";
    private static final int MEMBERS = 6;
    private static final int TASKS = 3_000;
    private static final int ITEMS = 16;
    private static final int WAVES = 3;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void everyChartTheGridAndTheSchedulesShowABusyFleet() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).requestTimeout(Duration.ofSeconds(30)).build()) {
            long lease = etcd.grantLease(Duration.ofSeconds(120)).get(30, TimeUnit.SECONDS).id();
            writeMembersAndTasks(etcd, lease);
            writeAllocation(etcd);
            writeSchedules(etcd);
            try (Dashboard dashboard = Dashboard.start(Etcd.builder().endpoints(ETCD.endpoint()).build(), NS,
                    new HostAndPort("127.0.0.1", 0), Optional.empty(), new FleetMetrics())) {
                finishInWaves(etcd);
                failOver(etcd, lease);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(dashboard.url() + "api/events"))
                        .contains("leader is now worker-2, after worker-1").contains("member worker-1 joined"));

                HeadlessChromium chromium = HeadlessChromium.in(dir);
                String dom = chromium.dumpDom(dashboard.url());
                assertThat(dom).as("tasks by state").contains("class=\"area runnable\"").contains("class=\"area paused\"")
                        .contains("class=\"area fault\"").contains("class=\"area completed\"").contains("class=\"area failed\"");
                assertThat(dom).as("finished per second").contains("class=\"rate completed\"").contains("class=\"rate failed\"");
                assertThat(dom).as("load per member").contains("class=\"held\" data-member=\"worker-3\"")
                        .contains("class=\"fair-share\"");
                assertThat(dom).as("members and leadership").contains("class=\"leading\" data-member=\"worker-2\"")
                        .contains("failover from worker-1 to worker-2");
                assertThat(dom).as("allocation").contains(ITEMS + " items, 3 needing attention")
                        .contains("class=\"cell primary ready\"").contains("class=\"cell replica pending\"");
                assertThat(dom).as("a failed task can be retried").contains("<td class=\"failed\">failed</td>")
                        .contains(">retry</button>");
                assertThat(dom).as("schedules").contains("4 in all").contains("sync-inventory")
                        .containsPattern("\\d\\d:\\d\\d:\\d\\d \\(in \\d+ s\\)");

                Path screenshots = Path.of(System.getProperty("baton.screenshots", "target/screenshots"));
                chromium.screenshot(dashboard.url() + "?limit=8", screenshots.resolve("dashboard.png"), 1280, 2000);
                chromium.screenshot(dashboard.url() + "?state=fault&limit=8", screenshots.resolve("dashboard-faults.png"),
                        1280, 1300);
            }
        }
    }

    /** Members with their zones, worker-1 leading; tasks runnable (held, worker-3 the most), paused and failing. */
    private static void writeMembersAndTasks(Etcd etcd, long lease) throws Exception {
        List<Operation> ops = new ArrayList<>();
        for (int m = 1; m <= MEMBERS; m++) {
            ops.add(put("members/worker-" + m, "{\"frozen\":false}", lease));
            ops.add(put("workers/worker-" + m, "{\"zone\":\"zone-" + (char) ('a' + m % 3) + "\",\"maxTasks\":400}", lease));
        }
        ops.add(put("leader/1", "worker-1", lease));
        write(etcd, ops);
        ops.clear();
        String since = Instant.now().minusSeconds(30).toString();
        for (int i = 0; i < TASKS; i++) {
            String id = String.format("report-%05d", i);
            ops.add(put("tasks/" + id + "/spec", "{\"properties\":{\"argv\":[\"./report\",\"--part\",\"" + i
                    + "\"]},\"submitted\":\"" + since + "\"}", 0));
            String state = i % 10 == 1 ? "paused" : "runnable";
            int attempts = i % 25 == 2 ? 1 : 0;
            ops.add(put("tasks/" + id + "/state", "{\"state\":\"" + (attempts > 0 ? "fault" : state) + "\",\"since\":\""
                    + since + "\",\"attempts\":" + attempts
                    + (attempts > 0 ? ",\"until\":\"" + since + "\",\"lastError\":\"exit 3: upstream timed out\"" : "") + "}", 0));
            if (i % 4 == 0) {
                ops.add(put("tasks/" + id + "/owner", "worker-" + (i % 8 == 0 ? 3 : 1 + i / 8 % MEMBERS), lease));
            }
        }
        for (int wave = 0; wave < WAVES; wave++) {
            for (int i = 0; i < wave(wave); i++) {
                ops.add(put("tasks/" + finished(wave, i) + "/spec", "{\"properties\":{\"argv\":[\"./export\"]},\"submitted\":\""
                        + since + "\"}", 0));
            }
        }
        write(etcd, ops);
    }

    /** Items of two or three replicas over the members: one short of a replica, two with a replica not ready. */
    private static void writeAllocation(Etcd etcd) throws Exception {
        List<Operation> ops = new ArrayList<>();
        for (int m = 1; m <= MEMBERS; m++) {
            ops.add(put("alloc/members/worker-" + m, "{\"zone\":\"zone-" + (char) ('a' + m % 3) + "\",\"capacity\":8}", 0));
        }
        write(etcd, ops);
        for (int i = 0; i < ITEMS; i++) {
            String item = String.format("shard-%02d", i);
            int replicas = i % 3 == 0 ? 3 : 2;
            etcd.put(NS + "alloc/items/" + item, "{\"replicas\":" + replicas + "}", 0).get(30, TimeUnit.SECONDS);
            int assigned = i == 5 ? replicas - 1 : replicas;
            for (int r = 0; r < assigned; r++) {
                String status = (i == 7 || i == 11) && r == assigned - 1 ? "" : "serving";
                etcd.put(NS + "alloc/assign/" + item + "/worker-" + (1 + (i + r * 2) % MEMBERS), status, 0)
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void writeSchedules(Etcd etcd) {
        Schedules schedules = Schedules.create(etcd, NS);
        schedules.create("nightly-report", new Trigger.Cron(CronExpression.parse("0 2 * * *", ZoneOffset.UTC)),
                MisfirePolicy.fireOnce(), command("./report", "--all"));
        schedules.create("sync-inventory", new Trigger.FixedRate(Duration.ofSeconds(30)), MisfirePolicy.fireOnce(),
                command("./sync", "inventory"));
        schedules.create("rebuild-index", new Trigger.Cron(CronExpression.parse("*/15 * * * *", ZoneOffset.UTC)),
                MisfirePolicy.skip(), command("./reindex"));
        schedules.create("purge-archive", new Trigger.FixedRate(Duration.ofHours(6)), MisfirePolicy.skip(),
                command("./purge", "--older-than", "30d"));
        schedules.pause("purge-archive");
    }

    private static TaskProperties command(String... argv) {
        return new CommandTask(List.of(argv), Optional.empty()).toProperties();
    }

    /** The tasks of three waves finish ten seconds apart, so that the rates show as bars in time. */
    private static void finishInWaves(Etcd etcd) throws Exception {
        for (int wave = 0; wave < WAVES; wave++) {
            List<Operation> ops = new ArrayList<>();
            for (int i = 0; i < wave(wave); i++) {
                String state = i % 9 == 0 ? "failed" : "completed";
                ops.add(put("tasks/" + finished(wave, i) + "/done", "{\"state\":\"" + state + "\",\"since\":\""
                        + Instant.now() + "\",\"attempts\":1}", 0));
            }
            write(etcd, ops);
            if (wave < WAVES - 1) {
                Thread.sleep(10_000);
            }
        }
    }

    /** How many tasks finish in {@code wave}: all of them stay among the events the page replays when it opens. */
    private static int wave(int wave) {
        return 40 + wave * 10;
    }

    private static String finished(int wave, int i) {
        return String.format("export-%d-%03d", wave, i);
    }

    /** worker-2 queues behind worker-1; worker-1's leader and member keys go together, as when its lease expires; it rejoins. */
    private static void failOver(Etcd etcd, long lease) throws Exception {
        etcd.put(NS + "leader/2", "worker-2", lease).get(30, TimeUnit.SECONDS);
        etcd.txn(List.of(), List.of(Operations.delete(KeyRange.key(NS + "leader/1")),
                Operations.delete(KeyRange.key(NS + "members/worker-1"))), List.of()).get(30, TimeUnit.SECONDS);
        Thread.sleep(3_000);
        etcd.put(NS + "members/worker-1", "{\"frozen\":false}", lease).get(30, TimeUnit.SECONDS);
    }

    private static Operation put(String key, String value, long lease) {
        return Operations.put(NS + key, value.getBytes(StandardCharsets.UTF_8), lease);
    }

    /** Writes {@code ops} in transactions of etcd's default maximum of 128 operations. */
    private static void write(Etcd etcd, List<Operation> ops) throws Exception {
        for (int from = 0; from < ops.size(); from += 128) {
            etcd.txn(List.of(), List.copyOf(ops.subList(from, Math.min(ops.size(), from + 128))), List.of())
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
