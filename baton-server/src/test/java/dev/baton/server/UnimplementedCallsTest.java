package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Calls the server does not serve are refused in etcd's words, whichever service they belong to,
 * through gRPC and through the JSON gateway's paths.
 */
class UnimplementedCallsTest {
    private static EmbeddedEtcd server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        server = EmbeddedEtcd.builder().inMemory().build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    @Test
    void unservedMethodsOfServedServicesAreUnknownMethods() {
        assertUnknown(() -> ClusterGrpc.newBlockingStub(channel).memberAdd(MemberAddRequest.getDefaultInstance()),
                "unknown method MemberAdd for service etcdserverpb.Cluster");
        assertUnknown(() -> ClusterGrpc.newBlockingStub(channel).memberRemove(MemberRemoveRequest.getDefaultInstance()),
                "unknown method MemberRemove for service etcdserverpb.Cluster");
        assertUnknown(() -> WatchGrpc.newBlockingStub(channel).progress(WatchProgressRequest.getDefaultInstance()),
                "unknown method Progress for service etcdserverpb.Watch");
    }

    @Test
    void gatewayPathsOfUnservedCallsAnswerUnimplementedInEtcdsWords() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String[] call : new String[][] {
            {"/v3/cluster/member/add", "{}", "unknown method MemberAdd for service etcdserverpb.Cluster"},
            {"/v3beta/cluster/member/remove", "{\"ID\":\"1\"}",
                "unknown method MemberRemove for service etcdserverpb.Cluster"},
        }) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + call[0]))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(call[1])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(call[0]).isEqualTo(501);
            assertThat(response.body()).as(call[0]).isEqualTo("{\"error\":\"" + call[2] + "\",\"message\":\""
                    + call[2] + "\",\"code\":12}");
        }
    }

    @Test
    void namesOutsideEtcdsApiAreUnknownServices() {
        assertThat(UnknownMethods.describe("acme.Store/Get")).isEqualTo("unknown service acme.Store");
    }

    private static void assertUnknown(Executable call, String description) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(e.getStatus().getDescription()).isEqualTo(description);
        });
    }
}
