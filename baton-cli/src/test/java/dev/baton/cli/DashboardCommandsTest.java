package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard's one mutating action, a task command, needs the token and a same-site request. */
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
}
