package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.baton.testkit.ChildJvm;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton server} as a process: it serves, shuts down cleanly on SIGTERM, keeps its data
 * across a restart, and a second server on the same directory is refused.
 */
class ServerCommandTest {
    private static final String SERVING = "baton server: serving the etcd v3 API on ";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ChildJvm baton(Path data) {
        return ChildJvm.builder(BatonCommand.class)
                .args("server", "--listen", "127.0.0.1:0", "--data-dir", data.toString())
                .start();
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
}
