package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.Etcdctl;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton server} as a process: it serves, shuts down cleanly on SIGTERM, keeps its data
 * across a restart, a second server on the same directory is refused, and it serves what
 * {@code --restore} brings back from a saved snapshot, under its {@code --quota-backend-bytes},
 * and auth tokens last as long as {@code --auth-token-ttl} says.
 */
class ServerCommandTest {
    private static final String SERVING = "baton server: serving the etcd v3 API on ";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ChildJvm baton(Path data, String... more) {
        List<String> args = new ArrayList<>(List.of("server", "--listen", "127.0.0.1:0", "--data-dir", data.toString()));
        args.addAll(List.of(more));
        return ChildJvm.builder(BatonCommand.class).args(args.toArray(String[]::new)).start();
    }

    private static ManagedChannel channel(ChildJvm server) {
        String line = server.awaitLine(l -> l.startsWith(SERVING), TIMEOUT);
        URI uri = URI.create(line.substring(SERVING.length()));
        return NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
    }

    @Test
    void servesUntilSigtermThenKeepsItsDataAcrossARestart() {
        Path data = dir.resolve("data");
        try (ChildJvm first = baton(data)) {
            ManagedChannel channel = channel(first);
            KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("cli/k"))
                    .setValue(ByteString.copyFromUtf8("v")).build());
            channel.shutdownNow();
            first.terminate();
            assertThat(first.exitCode(TIMEOUT)).as("exit status after SIGTERM").isIn(0, 143);
            assertThat(first.errorLines()).anyMatch(line -> line.contains("stopped serving on"));
        }
        try (ChildJvm second = baton(data)) {
            ManagedChannel channel = channel(second);
            var kvs = KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("cli/k")).build()).getKvsList();
            channel.shutdownNow();
            assertThat(kvs).extracting(kv -> kv.getValue().toStringUtf8()).containsExactly("v");

            try (ChildJvm refused = baton(data)) {
                assertThat(refused.exitCode(TIMEOUT)).isEqualTo(1);
                assertThat(refused.errorLines()).contains("baton server: data directory " + data
                        + " is in use by another server (" + data.resolve("LOCK") + " is locked)");
            }
        }
    }

    @Test
    void anAuthTokenUnusedForLongerThanItsTtlIsRefused() throws InterruptedException {
        try (ChildJvm server = baton(dir.resolve("data"), "--auth-token-ttl", "1")) {
            ManagedChannel channel = channel(server);
            AuthGrpc.AuthBlockingStub auth = AuthGrpc.newBlockingStub(channel);
            auth.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("pw").build());
            auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
            auth.authEnable(AuthEnableRequest.getDefaultInstance());
            String token = auth.authenticate(AuthenticateRequest.newBuilder().setName("root").setPassword("pw")
                    .build()).getToken();
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER), token);
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("cli/k")).build());
            Thread.sleep(2_500);
            assertThatThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("cli/k"))
                    .build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
                            .isEqualTo("etcdserver: invalid auth token"));
            channel.shutdownNow();
        }
        try (ChildJvm refused = baton(dir.resolve("other"), "--auth-token-ttl", "0")) {
            assertThat(refused.exitCode(TIMEOUT)).isEqualTo(2);
            assertThat(refused.errorLines()).anyMatch(line -> line.contains("--auth-token-ttl must be positive, was 0"));
        }
    }

    @Test
    void restoresASavedSnapshotIntoAnEmptyDirectoryAndServesItUnderItsQuota() {
        Path saved = dir.resolve("saved.db");
        try (ChildJvm original = baton(dir.resolve("original"))) {
            ManagedChannel channel = channel(original);
            KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("cli/saved"))
                    .setValue(ByteString.copyFromUtf8("v")).build());
            channel.shutdownNow();
            String endpoint = original.awaitLine(l -> l.startsWith(SERVING), TIMEOUT).substring(SERVING.length());
            Etcdctl.run(endpoint, "snapshot", "save", saved.toString());
        }
        Path restored = dir.resolve("restored");
        try (ChildJvm server = baton(restored, "--restore", saved.toString(), "--quota-backend-bytes", "300")) {
            ManagedChannel channel = channel(server);
            var kv = KVGrpc.newBlockingStub(channel);
            assertThat(kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("cli/saved")).build())
                    .getKvsList()).extracting(k -> k.getValue().toStringUtf8()).containsExactly("v");
            assertThatThrownBy(() -> kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("cli/new"))
                    .setValue(ByteString.copyFromUtf8("v")).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
                            .isEqualTo("etcdserver: mvcc: database space exceeded"));
            channel.shutdownNow();
            server.terminate();
            assertThat(server.exitCode(TIMEOUT)).isIn(0, 143);
        }
        try (ChildJvm refused = baton(restored, "--restore", saved.toString())) {
            assertThat(refused.exitCode(TIMEOUT)).isEqualTo(1);
            assertThat(refused.errorLines()).anyMatch(line -> line.startsWith("baton server: ")
                    && line.contains(restored.toString()) && line.contains("not empty"));
        }
    }
}
