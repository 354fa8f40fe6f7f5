package dev.baton.server.differential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.Etcdctl;
import io.etcd.jetcd.api.RangeRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/1.1 on the client port, next to gRPC on the same port: {@code /health}, {@code /version},
 * {@code /metrics} and the answers to unknown paths and methods, from real etcd and the embedded
 * server, compared.
 */
class HttpEndpointsDifferentialTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static ScratchServer embedded;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() {
        embedded = ScratchServer.start();
    }

    @AfterAll
    static void stop() {
        embedded.close();
    }

    private static HttpResponse<String> call(String endpoint, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String statusAndBody(String endpoint, String method, String path) throws Exception {
        HttpResponse<String> response = call(endpoint, method, path);
        return response.statusCode() + " " + response.headers().firstValue("content-type").orElse("-") + " "
                + response.body();
    }

    @Test
    void healthUnknownPathsAndMethodsAnswerAsEtcd() throws Exception {
        for (String[] request : new String[][] {{"GET", "/health"}, {"GET", "/nothing"}, {"POST", "/version"},
                {"GET", "/v2/keys"}, {"GET", "/v3/kv/range"}, {"GET", "/v3/watch"}}) {
            String etcd = statusAndBody(ETCD.endpoint(), request[0], request[1]);
            String mine = statusAndBody(embedded.endpoint(), request[0], request[1]);
            System.out.println(request[0] + " " + request[1] + " -> " + mine.trim());
            assertThat(mine).as("%s %s", request[0], request[1]).isEqualTo(etcd);
        }
    }

    @Test
    void versionHasEtcdsFields() throws Exception {
        HttpResponse<String> etcd = call(ETCD.endpoint(), "GET", "/version");
        HttpResponse<String> mine = call(embedded.endpoint(), "GET", "/version");
        System.out.println("GET /version -> " + mine.body());
        assertThat(mine.statusCode()).isEqualTo(etcd.statusCode()).isEqualTo(200);
        assertThat(mine.headers().firstValue("content-type")).isEqualTo(etcd.headers().firstValue("content-type"));
        assertThat(mine.body()).matches("\\{\"etcdserver\":\"3\\.4\\.\\d+\",\"etcdcluster\":\"3\\.4\\.0\"}");
        assertThat(etcd.body()).matches("\\{\"etcdserver\":\"3\\.4\\.\\d+\",\"etcdcluster\":\"3\\.4\\.0\"}");
    }

    /** Every series the embedded server exports is one etcd exports, with the same type. */
    @Test
    void metricsUseEtcdsNamesAndTypes() throws Exception {
        for (String endpoint : List.of(ETCD.endpoint(), embedded.endpoint())) {
            try (Target target = new Target(endpoint, endpoint)) {
                target.kv().put(Requests.put("metrics/k", "v").build());
            }
        }
        HttpResponse<String> etcd = call(ETCD.endpoint(), "GET", "/metrics");
        HttpResponse<String> mine = call(embedded.endpoint(), "GET", "/metrics");
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(mine.headers().firstValue("content-type")).isEqualTo(etcd.headers().firstValue("content-type"));
        Set<String> etcdTypes = types(etcd.body());
        Set<String> myTypes = types(mine.body());
        System.out.println("metrics: " + myTypes);
        assertThat(etcdTypes).containsAll(myTypes);
        assertThat(mine.body()).contains("\netcd_server_has_leader 1\n", "\netcd_server_is_leader 1\n")
                .containsPattern("\nprocess_resident_memory_bytes [1-9]\\d*\n");
        long revision = new Target("embedded", embedded.endpoint()).kv().range(RangeRequest.newBuilder()
                .setKey(Requests.bytes("x")).build()).getHeader().getRevision();
        assertThat(mine.body()).contains("\netcd_debugging_mvcc_current_revision " + revision + "\n");
        String handledPut = "\ngrpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Put\","
                + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} ";
        assertThat(etcd.body()).contains(handledPut);
        assertThat(mine.body()).contains(handledPut);
        assertThat(series(mine.body(), "etcd_disk_wal_fsync_duration_seconds"))
                .isEqualTo(series(etcd.body(), "etcd_disk_wal_fsync_duration_seconds"));
        assertThat(mine.body()).doesNotContain("\netcd_disk_wal_fsync_duration_seconds_count 0\n");
    }

    /** The series of metric {@code name}, labels included, without their values. */
    private static List<String> series(String metrics, String name) {
        return Arrays.stream(metrics.split("\n")).filter(l -> l.startsWith(name))
                .map(l -> l.substring(0, l.lastIndexOf(' '))).toList();
    }

    /** etcdctl's data-scale check reads the process memory from {@code /metrics} on the client port. */
    @Test
    void etcdctlCheckDatascalePasses() {
        String out = Etcdctl.run(embedded.endpoint(), "check", "datascale", "--load=s", "--auto-compact",
                "--auto-defrag");
        System.out.println("etcdctl check datascale: " + out.trim().replace('\n', ' '));
        assertThat(out).contains("PASS");
    }

    private static Set<String> types(String metrics) {
        return Arrays.stream(metrics.split("\n")).filter(l -> l.startsWith("# TYPE "))
                .map(l -> l.substring("# TYPE ".length())).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void grpcAndHttpShareThePort() throws Exception {
        try (Target target = new Target("embedded", embedded.endpoint())) {
            for (int i = 0; i < 3; i++) {
                assertThat(call(embedded.endpoint(), "GET", "/health").statusCode()).isEqualTo(200);
                target.kv().put(Requests.put("http/shared", "v" + i).build());
            }
            assertThat(target.kv().range(Requests.get("http/shared").build()).getKvs(0).getValue().toStringUtf8())
                    .isEqualTo("v2");
        }
    }
}
