package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** No endpoint of the dashboard shows its token, and a loopback dashboard answers loopback Hosts only. */
class DashboardSecurityTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "tok-3f9a8e7d6c5b";

    private static Dashboard dashboard() {
        return Dashboard.start(Etcd.builder().endpoints(ETCD.endpoint()).build(), "baton/",
                new HostAndPort("127.0.0.1", 0), Optional.of(TOKEN), new FleetMetrics());
    }

    /** The status line of a raw HTTP/1.1 request, so the Host header is exactly {@code host}. */
    private static String statusWithHost(Dashboard dashboard, String host) throws Exception {
        URI url = URI.create(dashboard.url());
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/fleet HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return response.substring(0, response.indexOf("\r\n"));
        }
    }

    @Test
    void theTokenAppearsInNoPageResponseOrMetric() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build(); Dashboard dashboard = dashboard()) {
            TaskClient.create(etcd, "baton/").submit(TaskId.of("visible"), TaskProperties.empty());
            String self = dashboard.url().substring(0, dashboard.url().length() - 1);
            HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create(self + "/api/tasks/visible/pause"))
                    .header("Authorization", "Bearer " + TOKEN).header("Origin", self)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(202);

            for (String path : List.of("", "api/fleet", "api/events", "metrics", "api/tasks", "api/tasks/counts",
                    "api/tasks/visible/pause", "api/members/alpha/freeze")) {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(dashboard.url() + path))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.body()).as(path).doesNotContain(TOKEN);
                assertThat(response.headers().map().toString()).as(path).doesNotContain(TOKEN);
            }
            assertThat(accepted.body()).doesNotContain(TOKEN);
        }
    }

    @ParameterizedTest(name = "Host {0} -> {1}")
    @CsvSource({
        "127.0.0.1, 200",
        "localhost, 200",
        "[::1], 200",
        "evil.example, 403",
        "127.0.0.1.evil.example, 403",
    })
    void aLoopbackDashboardAnswersOnlyRequestsAddressedToLoopback(String host, int status) throws Exception {
        try (Dashboard dashboard = dashboard()) {
            String port = String.valueOf(URI.create(dashboard.url()).getPort());
            String hostHeader = host + ":" + port;

            assertThat(statusWithHost(dashboard, hostHeader)).contains(" " + status + " ");
        }
    }
}
