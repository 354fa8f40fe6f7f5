package dev.baton.server;

import static dev.baton.server.CrashRecoveryTest.channel;
import static dev.baton.server.CrashRecoveryTest.endpointOf;
import static dev.baton.server.CrashRecoveryTest.startServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.baton.testkit.ChildJvm;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's disk fills while a client writes (its file-size limit lowered below what the
 * log needs next, as a full disk would refuse it): writes are refused with the failed log
 * write's error, reads go on, and once space returns the same process takes writes again. A
 * write that was refused is never seen, before space returns, after, or after a restart; every
 * acknowledged write is seen at all three times, and the restart finds an undamaged log.
 */
class FullDiskRecoveryTest {
    private static final ByteString VALUE = ByteString.copyFrom(new byte[64 * 1024]);
    private static final String PREFIX = "disk/";

    @TempDir
    Path dir;

    private final Set<String> acknowledged = new TreeSet<>();
    private final List<String> refused = new ArrayList<>();

    @Test
    void refusedWritesStayUnseenAndWritesResumeWhenSpaceReturnsWithoutARestart() throws Exception {
        Path data = dir.resolve("data");
        try (ChildJvm server = startServer(data)) {
            ManagedChannel channel = channel(endpointOf(server));
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                for (int n = 0; n < 5; n++) {
                    put(kv, "before-" + n);
                }

                server.limitFileSize(largestFile(data) + 100);
                writeUntilRefused(kv);
                assertThatThrownBy(() -> put(kv, "while-full"))
                        .as("a write while the disk is still full")
                        .satisfies(FullDiskRecoveryTest::isLogFailure);
                refused.add(PREFIX + "while-full");
                assertStoredExactlyAcknowledged(kv, "while the disk is full");

                server.limitFileSize(-1);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptionsMatching(
                        e -> e instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE)
                        .untilAsserted(() -> put(kv, "after-space-returned"));
                for (int n = 0; n < 5; n++) {
                    put(kv, "after-" + n);
                }
                assertStoredExactlyAcknowledged(kv, "after space returned, without a restart");
            } finally {
                channel.shutdownNow();
            }
            server.kill();
        }
        try (ChildJvm server = startServer(data)) {
            ManagedChannel channel = channel(endpointOf(server));
            try {
                assertStoredExactlyAcknowledged(KVGrpc.newBlockingStub(channel), "after a restart");
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** Writes 64 KiB values until the log cannot grow; the refused write is recorded. */
    private void writeUntilRefused(KVGrpc.KVBlockingStub kv) {
        for (int n = 0; n < 1_000; n++) {
            try {
                put(kv, "filling-" + n);
            } catch (StatusRuntimeException e) {
                isLogFailure(e);
                refused.add(PREFIX + "filling-" + n);
                return;
            }
        }
        throw new AssertionError("1,000 writes of 64 KiB were taken though no file could grow");
    }

    private static void isLogFailure(Throwable error) {
        assertThat(error).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription())
                    .isEqualTo("baton: the write-ahead log failed: File too large");
        });
    }

    private void put(KVGrpc.KVBlockingStub kv, String name) {
        String key = PREFIX + name;
        kv.withDeadlineAfter(10, TimeUnit.SECONDS)
                .put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(VALUE).build());
        acknowledged.add(key);
    }

    /** The keys under the test's prefix are exactly the acknowledged ones: no refused write shows. */
    private void assertStoredExactlyAcknowledged(KVGrpc.KVBlockingStub kv, String when) {
        List<String> stored = kv.withDeadlineAfter(10, TimeUnit.SECONDS).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(PREFIX))
                        .setRangeEnd(ByteString.copyFromUtf8("disk0")).setKeysOnly(true).build())
                .getKvsList().stream().map(k -> k.getKey().toStringUtf8()).toList();
        assertThat(stored).as("keys stored " + when).containsExactlyElementsOf(acknowledged);
        assertThat(refused).as("refused writes").isNotEmpty();
    }

    private static long largestFile(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            return files.mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max().orElseThrow();
        }
    }
}
