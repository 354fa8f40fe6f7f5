package dev.baton.server.differential;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.testkit.EtcdExtension;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The KV and Lease paths of etcd's gRPC-JSON gateway against real etcd, on fresh servers so
 * revisions are equal: status codes and JSON bodies compared, less the header's cluster fields
 * and lease TTLs (which count down on their own).
 */
class JsonGatewayDifferentialTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final Path etcdDir = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    final EtcdExtension etcd = new EtcdExtension(b -> b.dataDir(etcdDir));

    private ScratchServer embedded;

    @BeforeEach
    void start() {
        embedded = ScratchServer.start();
    }

    @AfterEach
    void stop() {
        embedded.close();
        FastTempDirs.delete(etcdDir);
    }

    private static HttpResponse<String> post(String endpoint, String path, String body) throws Exception {
        return post(endpoint, path, body, null);
    }

    /** A POST with {@code token} (null: none) in its Authorization header, as etcd's gateway takes tokens. */
    private static HttpResponse<String> post(String endpoint, String path, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void authPathsAndTokensInTheAuthorizationHeaderAnswerAsEtcd() throws Exception {
        String[][] setUp = {
            {"/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"rootpw\"}"},
            {"/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}"},
            {"/v3/auth/user/add", "{\"name\":\"alice\",\"password\":\"alicepw\"}"},
            {"/v3/auth/role/add", "{\"name\":\"reader\"}"},
            {"/v3/auth/role/grant", "{\"name\":\"reader\",\"perm\":{\"permType\":\"READ\",\"key\":\""
                    + b64("gw/") + "\",\"range_end\":\"" + b64("gw0") + "\"}}"},
            {"/v3/auth/role/get", "{\"role\":\"reader\"}"},
            {"/v3/auth/user/grant", "{\"user\":\"alice\",\"role\":\"reader\"}"},
            {"/v3/auth/user/get", "{\"name\":\"alice\"}"},
            {"/v3/auth/enable", "{}"},
            {"/v3/kv/range", "{\"key\":\"" + b64("gw/a") + "\"}"},
            {"/v3/auth/authenticate", "{\"name\":\"alice\",\"password\":\"wrong\"}"},
        };
        for (String[] call : setUp) {
            assertThat(gatewayAnswer(post(embedded.endpoint(), call[0], call[1]), true)).as(call[0])
                    .isEqualTo(gatewayAnswer(post(etcd.endpoint(), call[0], call[1]), true));
        }
        String[] tokens = new String[2];
        String[] endpoints = {etcd.endpoint(), embedded.endpoint()};
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> login = post(endpoints[i], "/v3/auth/authenticate",
                    "{\"name\":\"alice\",\"password\":\"alicepw\"}");
            assertThat(login.statusCode()).isEqualTo(200);
            tokens[i] = JSON.readTree(login.body()).get("token").asText();
        }
        String[][] asAlice = {
            {"/v3/kv/range", "{\"key\":\"" + b64("gw/a") + "\"}"},
            {"/v3/kv/put", "{\"key\":\"" + b64("gw/a") + "\",\"value\":\"" + b64("1") + "\"}"},
            {"/v3/auth/user/list", "{}"},
            {"/v3/auth/user/get", "{\"name\":\"alice\"}"},
            {"/v3/auth/disable", "{}"},
        };
        for (String[] call : asAlice) {
            assertThat(gatewayAnswer(post(embedded.endpoint(), call[0], call[1], tokens[1]), true)).as(call[0])
                    .isEqualTo(gatewayAnswer(post(etcd.endpoint(), call[0], call[1], tokens[0]), true));
        }
        assertThat(gatewayAnswer(post(embedded.endpoint(), "/v3/kv/range", "{}", "notAToken.1"), true))
                .isEqualTo(gatewayAnswer(post(etcd.endpoint(), "/v3/kv/range", "{}", "notAToken.1"), true));
    }

    /** Status and JSON body, with the header's cluster fields removed (they differ by nature). */
    private static String gatewayAnswer(HttpResponse<String> response, boolean compareText) throws Exception {
        JsonNode json = JSON.readTree(response.body());
        for (JsonNode header : json.findParents("raft_term")) {
            ((ObjectNode) header).remove(List.of("cluster_id", "member_id", "raft_term"));
        }
        if (json.isObject()) {
            ((ObjectNode) json).remove("TTL");
        }
        if (!compareText && json.has("code")) {
            return response.statusCode() + " code " + json.get("code");
        }
        return response.statusCode() + " " + json;
    }

    @Test
    void jsonGatewayKvAndLeaseCallsAnswerAsEtcd() throws Exception {
        String a = b64("gw/a");
        String[][] calls = {
            {"/v3/kv/put", "{\"key\":\"" + a + "\",\"value\":\"" + b64("1") + "\"}"},
            {"/v3/kv/put", "{\"key\":\"" + b64("gw/b") + "\",\"value\":\"" + b64("2") + "\"}"},
            {"/v3/kv/put", "{\"key\":\"" + a + "\",\"value\":\"" + b64("3") + "\",\"prev_kv\":true}"},
            {"/v3/kv/range", "{\"key\":\"" + a + "\"}"},
            {"/v3/kv/range", "{\"key\":\"" + b64("gw/") + "\",\"range_end\":\"" + b64("gw0")
                    + "\",\"sort_order\":\"DESCEND\",\"sort_target\":\"KEY\"}"},
            {"/v3/kv/range", "{\"key\":\"" + b64("gw/") + "\",\"rangeEnd\":\"" + b64("gw0")
                    + "\",\"count_only\":true}"},
            {"/v3/kv/range", "{\"key\":\"" + a + "\",\"revision\":\"2\"}"},
            {"/v3/kv/range", "{\"key\":\"" + b64("gw/none") + "\"}"},
            {"/v3/kv/range", "{\"key\":\"" + a + "\",\"revision\":\"100000\"}"},
            {"/v3/kv/put", "{}"},
            {"/v3/kv/txn", "{\"compare\":[{\"key\":\"" + a + "\",\"target\":\"VERSION\",\"result\":\"EQUAL\","
                    + "\"version\":\"2\"}],\"success\":[{\"request_put\":{\"key\":\"" + b64("gw/c")
                    + "\",\"value\":\"" + b64("4") + "\"}},{\"request_range\":{\"key\":\"" + a + "\"}}],"
                    + "\"failure\":[{\"request_delete_range\":{\"key\":\"" + a + "\"}}]}"},
            {"/v3/kv/txn", "{\"compare\":[{\"key\":\"" + a + "\",\"target\":\"VALUE\",\"value\":\"" + b64("9")
                    + "\"}],\"failure\":[{\"request_delete_range\":{\"key\":\"" + b64("gw/c") + "\","
                    + "\"prev_kv\":true}}]}"},
            {"/v3/kv/deleterange", "{\"key\":\"" + b64("gw/") + "\",\"range_end\":\"" + b64("gw0")
                    + "\",\"prev_kv\":true}"},
            {"/v3/kv/compaction", "{\"revision\":\"3\"}"},
            {"/v3/kv/range", "{\"key\":\"" + a + "\",\"revision\":\"2\"}"},
            {"/v3/kv/compaction", "{\"revision\":\"2\"}"},
            {"/v3/lease/grant", "{\"ID\":\"4660\",\"TTL\":\"600\"}"},
            {"/v3/kv/put", "{\"key\":\"" + a + "\",\"value\":\"" + b64("5") + "\",\"lease\":\"4660\"}"},
            {"/v3/lease/timetolive", "{\"ID\":\"4660\",\"keys\":true}"},
            {"/v3/lease/leases", "{}"},
            {"/v3/kv/lease/leases", ""},
            {"/v3beta/kv/range", "{\"key\":\"" + a + "\"}"},
            {"/v3beta/lease/leases", "{}"},
            {"/v3/lease/keepalive", "{\"ID\":\"4660\"}"},
            {"/v3/lease/keepalive", "{\"ID\":\"4661\"}"},
            {"/v3/kv/lease/timetolive", "{\"ID\":\"4660\"}"},
            {"/v3/lease/revoke", "{\"ID\":\"4660\"}"},
            {"/v3/kv/lease/revoke", "{\"ID\":\"4660\"}"},
            {"/v3/lease/grant", "{\"TTL\":\"99999999999\"}"},
            {"/v3/lease/leases", "{}"},
            {"/v3/kv/range", "{\"key\":\"" + a + "\"}"},
        };
        for (String[] call : calls) {
            String expected = gatewayAnswer(post(etcd.endpoint(), call[0], call[1]), true);
            String mine = gatewayAnswer(post(embedded.endpoint(), call[0], call[1]), true);
            System.out.println("POST " + call[0] + " " + call[1] + " -> " + mine);
            assertThat(mine).as("POST %s %s", call[0], call[1]).isEqualTo(expected);
        }
        for (String bad : new String[] {"not json", "{\"key\":5}", "{\"nokey\":\"x\"}"}) {
            String expected = gatewayAnswer(post(etcd.endpoint(), "/v3/kv/range", bad), false);
            String mine = gatewayAnswer(post(embedded.endpoint(), "/v3/kv/range", bad), false);
            System.out.println("POST /v3/kv/range " + bad + " -> " + post(embedded.endpoint(), "/v3/kv/range", bad)
                    .body());
            assertThat(mine).as("POST /v3/kv/range %s", bad).isEqualTo(expected);
        }
    }

    /**
     * The gateway's watch from a past revision: the created response and the events, as JSON
     * lines, the same from both (events compared in order, however each server batches them).
     */
    @Test
    void jsonGatewayWatchStreamsWhatEtcdStreams() throws Exception {
        List<List<String>> seen = new ArrayList<>();
        for (String endpoint : List.of(etcd.endpoint(), embedded.endpoint())) {
            post(endpoint, "/v3/kv/put", "{\"key\":\"" + b64("w/a") + "\",\"value\":\"" + b64("1") + "\"}");
            post(endpoint, "/v3/kv/put", "{\"key\":\"" + b64("w/b") + "\",\"value\":\"" + b64("2") + "\"}");
            post(endpoint, "/v3/kv/deleterange", "{\"key\":\"" + b64("w/a") + "\"}");
            HttpRequest watch = HttpRequest.newBuilder(URI.create(endpoint + "/v3/watch"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"create_request\":{\"key\":\"" + b64("w/")
                            + "\",\"range_end\":\"" + b64("w0") + "\",\"start_revision\":\"2\",\"prev_kv\":true}}"))
                    .build();
            HttpResponse<Stream<String>> response = HTTP.send(watch, HttpResponse.BodyHandlers.ofLines());
            List<String> observed = new ArrayList<>();
            try (Stream<String> lines = response.body()) {
                Iterator<String> it = lines.iterator();
                while (observed.stream().filter(o -> o.startsWith("event")).count() < 3) {
                    JsonNode line = JSON.readTree(it.next());
                    JsonNode result = line.get("result");
                    if (result.path("created").asBoolean()) {
                        observed.add("created, header revision " + result.get("header").get("revision"));
                    }
                    for (JsonNode event : result.path("events")) {
                        observed.add("event " + event);
                    }
                }
            }
            System.out.println("watch on " + endpoint + ": " + observed);
            seen.add(observed);
        }
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
    }

    /**
     * Maintenance and Cluster through the gateway: equal answers where etcd's are not member-specific, else
     * equal fields (Hash is Baton's own hash).
     */
    @Test
    void jsonGatewayMaintenanceAndClusterCallsAnswerAsEtcd() throws Exception {
        for (String[] call : new String[][] {{"/v3/maintenance/alarm", "{}"}, {"/v3/maintenance/defragment", "{}"},
                {"/v3/maintenance/transfer-leadership", "{\"targetID\":\"12345\"}"}}) {
            String expected = gatewayAnswer(post(etcd.endpoint(), call[0], call[1]), true);
            String mine = gatewayAnswer(post(embedded.endpoint(), call[0], call[1]), true);
            System.out.println("POST " + call[0] + " " + call[1] + " -> " + mine);
            assertThat(mine).as("POST %s %s", call[0], call[1]).isEqualTo(expected);
        }
        for (String path : new String[] {"/v3/maintenance/status", "/v3/cluster/member/list", "/v3/maintenance/hash"}) {
            HttpResponse<String> expected = post(etcd.endpoint(), path, "{}");
            HttpResponse<String> mine = post(embedded.endpoint(), path, "{}");
            System.out.println("POST " + path + " -> " + mine.body());
            assertThat(mine.statusCode()).isEqualTo(expected.statusCode()).isEqualTo(200);
            List<String> expectedFields = fieldNames(JSON.readTree(expected.body()));
            expectedFields.remove("members.peerURLs");
            assertThat(fieldNames(JSON.readTree(mine.body()))).as("fields of %s (the embedded server has no peers)", path)
                    .isEqualTo(expectedFields);
            if (path.endsWith("/hash")) {
                assertThat(JSON.readTree(mine.body()).get("hash").asLong()).as("the hash, a uint32").isNotNegative();
            }
        }
    }

    /**
     * The gateway's snapshot stream: lines of {@code {"result":{"blob":...}}} as etcd's, ending, as
     * etcd's, with the SHA-256 of the blobs before it; the embedded server's restores into a new member.
     */
    @Test
    void jsonGatewaySnapshotStreamsASnapshotThatRestores() throws Exception {
        post(embedded.endpoint(), "/v3/kv/put", "{\"key\":\"" + b64("s/a") + "\",\"value\":\"" + b64("1") + "\"}");
        List<List<String>> shapes = new ArrayList<>();
        byte[] saved = null;
        for (String endpoint : List.of(etcd.endpoint(), embedded.endpoint())) {
            HttpResponse<String> response = post(endpoint, "/v3/maintenance/snapshot", "{}");
            assertThat(response.statusCode()).isEqualTo(200);
            List<String> shape = new ArrayList<>();
            ByteArrayOutputStream blobs = new ByteArrayOutputStream();
            byte[] last = null;
            for (String line : response.body().split("\n")) {
                JsonNode result = JSON.readTree(line).get("result");
                shape.add(String.join(",", fieldNames(result)));
                if (last != null) {
                    blobs.write(last);
                }
                last = Base64.getDecoder().decode(result.get("blob").asText());
            }
            assertThat(last).as("the SHA-256 ending the stream from %s", endpoint)
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(blobs.toByteArray()));
            blobs.write(last);
            saved = blobs.toByteArray();
            shapes.add(shape.subList(shape.size() - 1, shape.size()));
        }
        assertThat(shapes.get(1)).as("the last line's fields").isEqualTo(shapes.get(0));
        Path file = embedded.dir().resolveSibling(embedded.dir().getFileName() + ".snapshot");
        Path restored = embedded.dir().resolveSibling(embedded.dir().getFileName() + "-restored");
        Files.write(file, saved);
        try {
            EmbeddedEtcd.restore(file, restored);
            try (EmbeddedEtcd server = EmbeddedEtcd.builder().dataDir(restored).build().start()) {
                assertThat(post(server.endpoint(), "/v3/kv/range", "{\"key\":\"" + b64("s/a") + "\"}").body())
                        .contains("\"value\":\"" + b64("1") + "\"");
            }
        } finally {
            Files.deleteIfExists(file);
            FastTempDirs.delete(restored);
        }
    }

    /** The field names of a JSON object and of the first element of each of its arrays, sorted. */
    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fields().forEachRemaining(e -> {
            names.add(e.getKey());
            if (e.getValue().isArray() && e.getValue().size() > 0 && e.getValue().get(0).isObject()) {
                e.getValue().get(0).fieldNames().forEachRemaining(inner -> names.add(e.getKey() + "." + inner));
            }
        });
        names.sort(null);
        return names;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

}
