package dev.baton.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The two HTTP endpoints of an etcd member the fixtures read: {@code GET /health} and the
 * gRPC gateway's {@code POST /v3/maintenance/status}.
 *
 * <p>Every call is bounded by {@code timeout}; a stopped ({@code SIGSTOP}) member accepts the
 * TCP connection but never answers, so the timeout is what reports it as unhealthy.
 */
final class EtcdGateway {

    /** What one member says about itself and its view of the leader. */
    record MemberStatus(String memberId, String leaderId, long raftTerm) {
        boolean isLeader() {
            return memberId.equals(leaderId);
        }
    }

    private static final Pattern HEALTH_TRUE = Pattern.compile("\"health\"\\s*:\\s*\"?true\"?");
    private static final Pattern HEADER = Pattern.compile("\"header\"\\s*:\\s*\\{([^}]*)}");

    // HTTP/1.1 explicitly: etcd's client port does not accept an h2c upgrade on plain requests.
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private EtcdGateway() {
    }

    /**
     * An HTTP client for etcd's client port: the shared plain one when {@code tls} is empty, else
     * one with that context (the CA that certified etcd and, under {@code --client-cert-auth}, a
     * client certificate) for an {@code https} endpoint.
     */
    static HttpClient client(Optional<SSLContext> tls) {
        return tls.map(context -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .sslContext(context)
                .build()).orElse(CLIENT);
    }

    /** True when {@code GET <endpoint>/health} through {@code client} answers {@code health: true} within {@code timeout}. */
    static boolean isHealthy(HttpClient client, String endpoint, Duration timeout) {
        return send(client, HttpRequest.newBuilder(URI.create(endpoint + "/health")).timeout(timeout).GET().build())
                .map(body -> HEALTH_TRUE.matcher(body).find())
                .orElse(false);
    }

    /** The member's status, or empty when it does not answer within {@code timeout}. */
    static Optional<MemberStatus> status(String endpoint, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/v3/maintenance/status"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        return send(CLIENT, request).flatMap(EtcdGateway::parseStatus);
    }

    /**
     * Reads the fields needed from a status response. The gateway encodes uint64 values as JSON
     * strings; both quoted and bare numbers are accepted.
     */
    static Optional<MemberStatus> parseStatus(String json) {
        Matcher header = HEADER.matcher(json);
        if (!header.find()) {
            return Optional.empty();
        }
        String headerFields = header.group(1);
        String rest = json.substring(0, header.start()) + json.substring(header.end());
        Optional<String> memberId = field(headerFields, "member_id");
        Optional<String> leaderId = field(rest, "leader");
        Optional<String> raftTerm = field(headerFields, "raft_term");
        if (memberId.isEmpty() || leaderId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MemberStatus(memberId.get(), leaderId.get(), raftTerm.map(Long::parseLong).orElse(0L)));
    }

    private static Optional<String> field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"?(\\d+)\"?").matcher(json);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static Optional<String> send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
