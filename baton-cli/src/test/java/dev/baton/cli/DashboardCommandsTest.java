package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dashboard's mutating actions, task and member commands, need the token and a same-site
 * request, and each one sent shows in the event feed.
 */
class DashboardCommandsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final HostAndPort ANY_PORT = new HostAndPort("127.0.0.1", 0);

    private static Dashboard dashboard(Optional<String> token) {
        return Dashboard.start(Etcd.builder().endpoints(ETCD.endpoint()).build(), "baton/", ANY_PORT, token,
                new FleetMetrics());
    }

    private static HttpResponse<String> post(Dashboard dashboard, String path, String authorization, String origin)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(dashboard.url() + path.substring(1)))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutATokenTheDashboardIsReadOnly() throws Exception {
        try (Dashboard dashboard = dashboard(Optional.empty())) {
            HttpResponse<String> response = post(dashboard, "/api/tasks/a/pause", "Bearer anything", null);
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("read-only");
        }
    }

    @Test
    void taskCommandsNeedTheTokenAndASameSiteOrigin() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
             Dashboard dashboard = dashboard(Optional.of("s3cret"))) {
            TaskClient.create(etcd, "baton/").submit(TaskId.of("job"), TaskProperties.empty());
            String self = dashboard.url().substring(0, dashboard.url().length() - 1);

            assertThat(post(dashboard, "/api/tasks/job/pause", null, null).statusCode()).isEqualTo(401);
            HttpResponse<String> wrong = post(dashboard, "/api/tasks/job/pause", "Bearer nope", null);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain("s3cret");
            assertThat(post(dashboard, "/api/tasks/job/pause", "Bearer s3cret", "http://evil.example").statusCode())
                    .isEqualTo(403);
            assertThat(post(dashboard, "/api/tasks/job/explode", "Bearer s3cret", self).statusCode()).isEqualTo(400);
            assertThat(post(dashboard, "/api/tasks/missing/pause", "Bearer s3cret", self).statusCode()).isEqualTo(404);
            assertThat(etcd.range(KeyRange.prefix("baton/commands/tasks/job/")).get().kvs()).isEmpty();

            HttpResponse<String> accepted = post(dashboard, "/api/tasks/job/pause", "Bearer s3cret", self);

            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(etcd.range(KeyRange.prefix("baton/commands/tasks/job/")).get().kvs())
                    .singleElement().satisfies(kv -> assertThat(kv.valueUtf8()).contains("pause"));
        }
    }

    @Test
    void retryRequeuesAFailedTaskWithTheTokenOnly() throws Exception {
        String spec = "\"task\":{\"properties\":{},\"submitted\":\"2030-01-01T00:00:00Z\"}}";
        ETCD.process().etcdctl("put", "baton/tasks/broken/done",
                "{\"state\":\"failed\",\"since\":\"2030-01-01T00:00:01Z\",\"attempts\":3,\"lastError\":\"boom\"," + spec);
        ETCD.process().etcdctl("put", "baton/tasks/fine/done",
                "{\"state\":\"completed\",\"since\":\"2030-01-01T00:00:01Z\",\"attempts\":1," + spec);
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
             Dashboard dashboard = dashboard(Optional.of("s3cret"))) {
            String self = dashboard.url().substring(0, dashboard.url().length() - 1);

            assertThat(post(dashboard, "/api/tasks/broken/retry", null, null).statusCode()).isEqualTo(401);
            assertThat(post(dashboard, "/api/tasks/broken/retry", "Bearer s3cret", "http://evil.example").statusCode())
                    .isEqualTo(403);
            HttpResponse<String> completed = post(dashboard, "/api/tasks/fine/retry", "Bearer s3cret", self);
            assertThat(completed.statusCode()).isEqualTo(409);
            assertThat(completed.body()).contains("completed");
            assertThat(post(dashboard, "/api/tasks/missing/retry", "Bearer s3cret", self).statusCode()).isEqualTo(404);
            assertThat(etcd.get("baton/tasks/broken/done").get()).isPresent();

            assertThat(post(dashboard, "/api/tasks/broken/retry", "Bearer s3cret", self).statusCode()).isEqualTo(202);

            assertThat(etcd.get("baton/tasks/broken/done").get()).isEmpty();
            assertThat(etcd.get("baton/tasks/broken/state").get()).hasValueSatisfying(kv ->
                    assertThat(kv.valueUtf8()).contains("\"state\":\"runnable\"").contains("boom"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dashboard.fleet().recentEvents())
                    .extracting(FleetView.Event::text).contains("task broken submitted"));
        }
    }

    @Test
    void memberCommandsNeedTheTokenAndASameSiteOrigin() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
             Dashboard dashboard = dashboard(Optional.of("s3cret"))) {
            String self = dashboard.url().substring(0, dashboard.url().length() - 1);

            assertThat(post(dashboard, "/api/members/alpha/freeze", null, null).statusCode()).isEqualTo(401);
            assertThat(post(dashboard, "/api/members/alpha/freeze", "Bearer nope", self).statusCode()).isEqualTo(401);
            assertThat(post(dashboard, "/api/members/alpha/freeze", "Bearer s3cret", "http://evil.example").statusCode())
                    .isEqualTo(403);
            assertThat(etcd.range(KeyRange.prefix("baton/commands/members/alpha/")).get().kvs()).isEmpty();

            HttpResponse<String> accepted = post(dashboard, "/api/members/alpha/freeze", "Bearer s3cret", self);

            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(etcd.range(KeyRange.prefix("baton/commands/members/alpha/")).get().kvs())
                    .singleElement().satisfies(kv -> assertThat(kv.valueUtf8()).isEqualTo("{\"command\":\"freeze\"}"));
            etcd.delete(KeyRange.prefix("baton/commands/")).get();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/api/members/gamma/unfreeze, unfreeze",
        "/api/members/gamma/balance, balance",
        "/api/members/gamma/release/job, release",
    })
    void eachMemberCommandIsStoredForTheMember(String path, String command) throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
             Dashboard dashboard = dashboard(Optional.of("s3cret"))) {
            assertThat(post(dashboard, path, "Bearer s3cret", null).statusCode()).isEqualTo(202);

            assertThat(etcd.range(KeyRange.prefix("baton/commands/members/gamma/")).get().kvs())
                    .singleElement().satisfies(kv -> assertThat(kv.valueUtf8()).contains("\"" + command + "\""));
            etcd.delete(KeyRange.prefix("baton/commands/")).get();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/api/members/alpha/explode     | unknown member command 'explode'",
        "/api/members/alpha/release     | release needs the task",
        "/api/members/alpha/freeze/job  | only release takes a task",
        "/api/members/alpha             | expected /api/members/<name>",
        "/api/members/al%01pha/freeze   | member id",
    })
    void aMemberCommandThatIsNotOneIsRefusedNamingIt(String path, String message) throws Exception {
        try (Dashboard dashboard = dashboard(Optional.of("s3cret"))) {
            HttpResponse<String> response = post(dashboard, path, "Bearer s3cret", null);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains(message);
        }
    }

    @Test
    void everyCommandSentShowsInTheEventFeed() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
             Dashboard dashboard = dashboard(Optional.of("s3cret"))) {
            TaskClient.create(etcd, "baton/").submit(TaskId.of("feed"), TaskProperties.empty());

            post(dashboard, "/api/members/beta/release/feed", "Bearer s3cret", null);
            post(dashboard, "/api/tasks/feed/kill", "Bearer s3cret", null);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dashboard.fleet().recentEvents())
                    .extracting(FleetView.Event::text)
                    .contains("release feed sent to member beta", "kill sent to task feed"));
        }
    }
}
