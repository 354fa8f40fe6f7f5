package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.tasks.TaskState;
import dev.baton.testkit.EtcdExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard against a fleet written by hand: the JSON API and the metrics reflect the store
 * and follow its changes, and the page shows members, leader, task counts, the page of tasks its
 * address filters for and its charts (tasks by state, finished per second, load per member, the
 * members and their leader in time with a hand-over and a failover) in a headless Chromium.
 */
class DashboardTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @TempDir
    Path dir;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void put(String key, String value) {
        ETCD.process().etcdctl("put", key, value);
    }

    @Test
    void showsMembersLeaderAndTasksAndFollowsChanges() throws Exception {
        put("dash/members/alpha", "{\"frozen\":false}");
        put("dash/workers/alpha", "{\"zone\":\"z1\",\"maxTasks\":4}");
        put("dash/leader/694d", "alpha");
        put("dash/tasks/t1/spec", "{\"properties\":{\"argv\":[\"echo\",\"hi\"]},\"submitted\":\"2030-01-01T00:00:00Z\"}");
        put("dash/tasks/t1/state", TaskState.initial(Instant.now()).encode());
        put("dash/tasks/t1/owner", "alpha");
        Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        try (Dashboard dashboard = Dashboard.start(etcd, "dash/", new HostAndPort("127.0.0.1", 0), Optional.empty(),
                new FleetMetrics())) {
            String fleet = get(dashboard.url() + "api/fleet");
            assertThat(fleet).contains("\"name\":\"alpha\",\"zone\":\"z1\",\"held\":1")
                    .contains("\"leader\":{\"name\":\"alpha\"").contains("\"runnable\":1");
            assertThat(get(dashboard.url() + "api/tasks")).contains("\"id\":\"t1\"").contains("\"state\":\"runnable\"");
            assertThat(get(dashboard.url() + "metrics")).contains("baton_tasks{state=\"runnable\"} 1.0")
                    .contains("baton_tasks{state=\"completed\"} 0.0").contains("baton_member_held_tasks{member=\"alpha\"} 1.0");

            put("dash/members/beta", "{\"frozen\":false}");
            ETCD.process().etcdctl("del", "dash/tasks/t1/owner");
            put("dash/tasks/t2/spec", "{\"properties\":{},\"submitted\":\"2030-01-01T00:00:00Z\"}");
            put("dash/tasks/t2/done", "{\"state\":\"completed\",\"since\":\"2030-01-01T00:00:01Z\",\"attempts\":1}");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(get(dashboard.url() + "api/fleet")).contains("\"name\":\"beta\"");
                assertThat(get(dashboard.url() + "api/events")).contains("member beta joined")
                        .contains("task t1 released by alpha").contains("task t2 completed");
                assertThat(get(dashboard.url() + "metrics")).contains("baton_task_releases_total 1.0")
                        .contains("baton_member_held_tasks{member=\"alpha\"} 0.0")
                        .contains("baton_member_held_tasks{member=\"beta\"} 0.0");
            });

            HeadlessChromium chromium = HeadlessChromium.in(dir);
            String dom = chromium.dumpDom(dashboard.url());
            assertThat(dom).contains("alpha ★").contains("beta").contains("runnable 1")
                    .contains("member beta joined");
            assertThat(taskTable(dom)).contains("t1").contains("runnable").contains(">pause</button>");
            assertThat(dom).contains(">freeze</button>");
            assertThat(dom).as("tasks by state").contains("class=\"area runnable\"").contains("class=\"area completed\"")
                    .doesNotContain("class=\"area failed\"");
            assertThat(part(dom, "<div id=\"states-legend\"", "</div></figure>")).contains("runnable 1")
                    .contains("completed 1").contains("failed 0");
            assertThat(dom).as("finished per second").contains("class=\"rate completed\"")
                    .doesNotContain("class=\"rate failed\"");
            assertThat(dom).as("load per member").contains("class=\"held\" data-member=\"alpha\" data-held=\"0\"")
                    .contains("class=\"held\" data-member=\"beta\" data-held=\"0\"").contains("class=\"fair-share\"");
            assertThat(taskTable(chromium.dumpDom(dashboard.url() + "?state=completed"))).doesNotContain("t1");
            assertThat(taskTable(chromium.dumpDom(dashboard.url() + "?prefix=t"))).contains("t1");

            put("dash/leader/7000", "beta");
            ETCD.process().etcdctl("del", "dash/leader/694d");
            put("dash/leader/7100", "alpha");
            try (Etcd writer = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
                writer.txn(List.of(), List.of(Operations.delete(KeyRange.key("dash/leader/7000")),
                        Operations.delete(KeyRange.key("dash/members/beta"))), List.of()).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(dashboard.url() + "api/events"))
                    .contains("leader is now beta, after alpha").contains("leader is now alpha, after beta")
                    .contains("member beta left"));
            String timeline = part(chromium.dumpDom(dashboard.url()), "<svg id=\"timeline-chart\"", "</svg>");
            assertThat(timeline).as("members and leadership")
                    .contains("class=\"present\" data-member=\"alpha\"").contains("class=\"present\" data-member=\"beta\"")
                    .contains("class=\"leading\" data-member=\"beta\"").contains("class=\"leading\" data-member=\"alpha\"")
                    .contains("class=\"hand-over\"").contains("failover from beta to alpha");
        }
    }

    /** The task table's rows in a dumped DOM. */
    private static String taskTable(String dom) {
        return part(dom, "<tbody id=\"tasks\">", "</tbody>");
    }

    /** The part of a dumped DOM from {@code start} to the next {@code end}. */
    private static String part(String dom, String start, String end) {
        int from = dom.indexOf(start);
        assertThat(from).as(start).isNotNegative();
        return dom.substring(from, dom.indexOf(end, from));
    }
}
