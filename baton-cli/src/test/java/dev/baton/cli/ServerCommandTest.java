package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton server} as a process: serves, shuts down cleanly on SIGTERM, keeps its data, refuses a taken directory. */
class ServerCommandTest {
    private static final String SERVING = "baton server: serving the etcd v3 API on ";

    @TempDir
    Path dir;

    private Process baton(Path stderr, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                BatonCommand.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    private static String awaitEndpoint(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(line).startsWith(SERVING);
        return line.substring(SERVING.length());
    }

    private static ManagedChannel channel(String endpoint) {
        URI uri = URI.create(endpoint);
        return NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
    }

    @Test
    void servesUntilSigtermThenKeepsItsDataAcrossARestart() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("stderr.log");
        Process first = baton(log, "server", "--listen", "127.0.0.1:0", "--data-dir", data.toString());
        ManagedChannel channel = channel(awaitEndpoint(first));
        KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("cli/k"))
                .setValue(ByteString.copyFromUtf8("v")).build());
        channel.shutdownNow();

        first.destroy();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
        assertThat(first.exitValue()).as("exit status after SIGTERM").isIn(0, 143);
        assertThat(Files.readString(log)).contains("stopped serving on");

        Process second = baton(log, "server", "--listen", "127.0.0.1:0", "--data-dir", data.toString());
        try {
            ManagedChannel again = channel(awaitEndpoint(second));
            var kvs = KVGrpc.newBlockingStub(again).range(RangeRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("cli/k")).build()).getKvsList();
            again.shutdownNow();
            assertThat(kvs).extracting(kv -> kv.getValue().toStringUtf8()).containsExactly("v");

            Path refusedLog = dir.resolve("refused.log");
            Process refused = baton(refusedLog, "server", "--listen", "127.0.0.1:0", "--data-dir", data.toString());
            assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.exitValue()).isEqualTo(1);
            assertThat(Files.readString(refusedLog)).contains("baton server: data directory " + data
                    + " is in use by another server");
        } finally {
            second.destroyForcibly();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
