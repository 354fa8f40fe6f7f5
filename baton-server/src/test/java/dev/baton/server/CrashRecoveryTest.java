package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.baton.testkit.ChildJvm;
import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in a child JVM is killed with {@code SIGKILL} while clients write, several times
 * over; after each restart every acknowledged write is there and the revision has not gone
 * backwards. Killed while clients write past its space quota, it comes back with every
 * acknowledged write, none of the refused ones, and the NOSPACE alarm still raised.
 */
class CrashRecoveryTest {
    private static final int ROUNDS = 4;
    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    /** What the clients were told: the last acknowledged value of each key, and the highest revision. */
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    private final AtomicLong highestRevision = new AtomicLong();

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        Path data = dir.resolve("data");
        for (int round = 0; round < ROUNDS; round++) {
            try (ChildJvm server = startServer(data)) {
                ManagedChannel channel = channel(endpointOf(server));
                try {
                    verifyAcknowledgedWrites(KVGrpc.newBlockingStub(channel));
                    writeUntilKilled(channel, server, round);
                } finally {
                    channel.shutdownNow();
                }
            }
        }
        try (ChildJvm server = startServer(data)) {
            ManagedChannel channel = channel(endpointOf(server));
            verifyAcknowledgedWrites(KVGrpc.newBlockingStub(channel));
            channel.shutdownNow();
        }
    }

    @Test
    void writesPastTheQuotaStayRefusedAndTheAlarmSurvivesKillNine() throws Exception {
        Path data = dir.resolve("quota");
        String quota = Long.toString(256 * 1024);
        Set<String> refused = ConcurrentHashMap.newKeySet();
        try (ChildJvm server = startServer(data, quota)) {
            ManagedChannel channel = channel(endpointOf(server));
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                String prefix = "crash/quota/writer-" + w + "/";
                Thread writer = new Thread(() -> {
                    var kv = KVGrpc.newBlockingStub(channel);
                    ByteString value = ByteString.copyFrom(new byte[8 * 1024]);
                    for (long n = 1; writing.get(); n++) {
                        String key = prefix + n;
                        try {
                            kv.withDeadlineAfter(5, TimeUnit.SECONDS).put(PutRequest.newBuilder()
                                    .setKey(ByteString.copyFromUtf8(key)).setValue(value).build());
                            acknowledged.put(key, 0L);
                        } catch (StatusRuntimeException e) {
                            if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
                                return;
                            }
                            refused.add(key);
                        }
                    }
                }, "quota-writer-" + w);
                writer.start();
                writers.add(writer);
            }
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> refused.size() >= 50);
                server.kill();
            } finally {
                writing.set(false);
                for (Thread writer : writers) {
                    writer.join(TimeUnit.SECONDS.toMillis(30));
                }
                channel.shutdownNow();
            }
        }
        try (ChildJvm server = startServer(data, quota)) {
            ManagedChannel channel = channel(endpointOf(server));
            try {
                var kv = KVGrpc.newBlockingStub(channel);
                List<String> stored = kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("crash/quota/"))
                        .setRangeEnd(ByteString.copyFromUtf8("crash/quota0")).setKeysOnly(true).build())
                        .getKvsList().stream().map(k -> k.getKey().toStringUtf8()).toList();
                assertThat(stored).as("acknowledged writes").containsAll(acknowledged.keySet());
                assertThat(stored).as("refused writes").doesNotContainAnyElementsOf(refused);
                assertThat(MaintenanceGrpc.newBlockingStub(channel).alarm(AlarmRequest.getDefaultInstance())
                        .getAlarmsList()).extracting(AlarmMember::getAlarm).containsExactly(AlarmType.NOSPACE);
                assertThatThrownBy(() -> kv.put(put("crash/quota/after", 1)))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** The embedded server in a child JVM on {@code data}, with an optional space quota in bytes. */
    static ChildJvm startServer(Path data, String... quota) {
        List<String> args = new ArrayList<>(List.of(data.toString()));
        args.addAll(List.of(quota));
        return ChildJvm.builder(ServerProcessMain.class).jvmArgs("-Xmx256m").args(args.toArray(String[]::new)).start();
    }

    static String endpointOf(ChildJvm server) {
        return server.awaitLine("^READY ", Duration.ofSeconds(60)).substring("READY ".length());
    }

    static ManagedChannel channel(String endpoint) {
        URI uri = URI.create(endpoint);
        return NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
    }

    private void writeUntilKilled(ManagedChannel channel, ChildJvm server, int round) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong acks = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String ownKey = "crash/writer-" + w;
            String prefix = "crash/round-" + round + "/writer-" + w + "/";
            Thread writer = new Thread(() -> {
                var kv = KVGrpc.newBlockingStub(channel);
                for (long n = 1; writing.get(); n++) {
                    try {
                        long base = acknowledged.getOrDefault(ownKey, 0L);
                        long rev = kv.withDeadlineAfter(5, TimeUnit.SECONDS).put(put(ownKey, base + 1))
                                .getHeader().getRevision();
                        acknowledged.put(ownKey, base + 1);
                        long rev2 = kv.withDeadlineAfter(5, TimeUnit.SECONDS).put(put(prefix + n, n))
                                .getHeader().getRevision();
                        acknowledged.put(prefix + n, n);
                        highestRevision.accumulateAndGet(Math.max(rev, rev2), Math::max);
                        acks.addAndGet(2);
                    } catch (RuntimeException e) {
                        return;
                    }
                }
            }, "crash-writer-" + w);
            writer.start();
            writers.add(writer);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acks.get() >= 200);
        server.kill();
        writing.set(false);
        for (Thread writer : writers) {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static PutRequest put(String key, long value) {
        return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(Long.toString(value))).build();
    }

    /**
     * A key may hold a newer value than acknowledged (a write can land without its reply), never
     * an older one; the store's revision is at least the highest one ever acknowledged.
     */
    private void verifyAcknowledgedWrites(KVGrpc.KVBlockingStub kv) {
        RangeResponse all = kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("crash/"))
                .setRangeEnd(ByteString.copyFromUtf8("crash0")).build());
        assertThat(all.getHeader().getRevision()).isGreaterThanOrEqualTo(highestRevision.get());
        Map<String, Long> stored = new ConcurrentHashMap<>();
        all.getKvsList().forEach(kv2 -> stored.put(kv2.getKey().toStringUtf8(),
                Long.parseLong(kv2.getValue().toStringUtf8())));
        acknowledged.forEach((key, value) ->
                assertThat(stored.get(key)).as("stored value of %s", key).isNotNull().isGreaterThanOrEqualTo(value));
        highestRevision.accumulateAndGet(all.getHeader().getRevision(), Math::max);
    }
}
