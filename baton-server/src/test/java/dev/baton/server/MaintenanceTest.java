package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.baton.testkit.Etcdctl;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Maintenance calls on the embedded server alone: what real etcd cannot be compared on
 * (Baton's snapshot format, restore, restarts, alarms kept across them) or does not have.
 */
class MaintenanceTest {
    @TempDir
    Path dir;

    private static ManagedChannel channel(EmbeddedEtcd etcd) {
        return NettyChannelBuilder.forAddress("127.0.0.1", etcd.port()).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static void put(ManagedChannel channel, String key, String value) {
        KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build());
    }

    private static List<KeyValue> all(ManagedChannel channel) {
        return KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder().setKey(bytes("\0"))
                .setRangeEnd(bytes("\0")).build()).getKvsList();
    }

    /** HashKV at the current and two past revisions, and Hash. */
    private static List<Long> hashes(ManagedChannel channel) {
        var maintenance = MaintenanceGrpc.newBlockingStub(channel);
        return Stream.of(0L, 12L, 20L)
                .map(rev -> (long) maintenance.hashKV(HashKVRequest.newBuilder().setRevision(rev).build()).getHash())
                .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
                    l.add((long) maintenance.hash(HashRequest.getDefaultInstance()).getHash());
                    return l;
                }));
    }

    /** Keys, overwrites, a multi-key txn, a lease and a compaction at 10. */
    private static void writeHistory(ManagedChannel channel) {
        long lease = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setID(77).setTTL(600)
                .build()).getID();
        for (int i = 0; i < 20; i++) {
            put(channel, "k" + (i % 7), "v" + i);
        }
        KVGrpc.newBlockingStub(channel).txn(TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("t1"))
                        .setValue(bytes("x")).setLease(lease)))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("t2"))
                        .setValue(bytes("y")))).build());
        KVGrpc.newBlockingStub(channel).compact(CompactionRequest.newBuilder().setRevision(10).build());
    }

    @Test
    void hashesAreTheSameAfterARestartAndAfterRecoveringFromASnapshot() {
        List<Long> before;
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            ManagedChannel channel = channel(etcd);
            writeHistory(channel);
            before = hashes(channel);
            assertThat(hashes(channel)).isEqualTo(before);
            channel.shutdownNow();
        }
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            ManagedChannel channel = channel(etcd);
            assertThat(hashes(channel)).as("after replaying the log").isEqualTo(before);
            MaintenanceGrpc.newBlockingStub(channel).defragment(DefragmentRequest.getDefaultInstance());
            assertThat(hashes(channel)).as("after defragmenting").isEqualTo(before);
            channel.shutdownNow();
        }
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            ManagedChannel channel = channel(etcd);
            assertThat(hashes(channel)).as("after recovering from the snapshot defragmenting wrote").isEqualTo(before);
            System.out.println("hashkv now, at 12, at 20, hash: " + before + " (same after two restarts)");
            channel.shutdownNow();
        }
    }

    @Test
    void hashKvNamesCompactedAndFutureRevisionsAsEtcdDoes() {
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().inMemory().build().start()) {
            ManagedChannel channel = channel(etcd);
            writeHistory(channel);
            var maintenance = MaintenanceGrpc.newBlockingStub(channel);
            assertThatThrownBy(() -> maintenance.hashKV(HashKVRequest.newBuilder().setRevision(10).build()))
                    .hasMessage("OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted");
            assertThatThrownBy(() -> maintenance.hashKV(HashKVRequest.newBuilder().setRevision(1000).build()))
                    .hasMessage("OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision");
            channel.shutdownNow();
        }
    }

    @Test
    void defragmentReplacesTheLogByASnapshot() {
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            ManagedChannel channel = channel(etcd);
            for (int i = 0; i < 300; i++) {
                put(channel, "same", "value " + i);
            }
            KVGrpc.newBlockingStub(channel).compact(CompactionRequest.newBuilder().setRevision(300).build());
            var maintenance = MaintenanceGrpc.newBlockingStub(channel);
            long before = maintenance.status(StatusRequest.getDefaultInstance()).getDbSize();
            maintenance.defragment(DefragmentRequest.getDefaultInstance());
            long after = maintenance.status(StatusRequest.getDefaultInstance()).getDbSize();
            System.out.println("db size before defragment " + before + ", after " + after);
            assertThat(after).isLessThan(before);
            assertThat(all(channel)).extracting(kv -> kv.getValue().toStringUtf8()).containsExactly("value 299");
            channel.shutdownNow();
        }
    }

    @Test
    void onlyNospaceAlarmsCanBeRaised() {
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().inMemory().build().start()) {
            ManagedChannel channel = channel(etcd);
            var maintenance = MaintenanceGrpc.newBlockingStub(channel);
            assertThatThrownBy(() -> maintenance.alarm(AlarmRequest.newBuilder()
                    .setAction(AlarmRequest.AlarmAction.ACTIVATE).setAlarmValue(2).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                        assertThat(e.getStatus().getDescription()).contains("alarm CORRUPT cannot be activated");
                    });
            AlarmResponse none = maintenance.alarm(AlarmRequest.newBuilder()
                    .setAction(AlarmRequest.AlarmAction.ACTIVATE).setAlarm(AlarmType.NONE).build());
            assertThat(none.getAlarmsList()).isEmpty();
            assertThat(maintenance.alarm(AlarmRequest.getDefaultInstance()).getAlarmsList()).isEmpty();
            channel.shutdownNow();
        }
    }

    @Test
    void aRaisedAlarmSurvivesRestartsAndDefragmentingUntilDisarmed() {
        AlarmRequest.Builder nospace = AlarmRequest.newBuilder().setMemberID(42).setAlarm(AlarmType.NOSPACE);
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            ManagedChannel channel = channel(etcd);
            MaintenanceGrpc.newBlockingStub(channel).alarm(nospace.setAction(AlarmRequest.AlarmAction.ACTIVATE)
                    .build());
            channel.shutdownNow();
        }
        for (String after : List.of("a restart replaying the log", "defragmenting and a restart")) {
            try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
                ManagedChannel channel = channel(etcd);
                var maintenance = MaintenanceGrpc.newBlockingStub(channel);
                assertThat(maintenance.alarm(AlarmRequest.getDefaultInstance()).getAlarmsList()).as(after)
                        .extracting(a -> a.getMemberID() + " " + a.getAlarm()).containsExactly("42 NOSPACE");
                assertThatThrownBy(() -> put(channel, "k", "v")).as(after)
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
                maintenance.defragment(DefragmentRequest.getDefaultInstance());
                channel.shutdownNow();
            }
        }
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            ManagedChannel channel = channel(etcd);
            MaintenanceGrpc.newBlockingStub(channel).alarm(nospace.setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                    .build());
            channel.shutdownNow();
        }
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            ManagedChannel channel = channel(etcd);
            assertThat(MaintenanceGrpc.newBlockingStub(channel).alarm(AlarmRequest.getDefaultInstance())
                    .getAlarmsList()).as("after disarming and a restart").isEmpty();
            put(channel, "k", "v");
            assertThat(all(channel)).hasSize(1);
            channel.shutdownNow();
        }
    }

    @Test
    void aSnapshotSavedWithJetcdRestoresIntoANewMember() throws Exception {
        Path saved = dir.resolve("saved.db");
        List<KeyValue> keys;
        List<Long> hashes;
        long memberId;
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir.resolve("source")).build().start();
             Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            ManagedChannel channel = channel(etcd);
            writeHistory(channel);
            for (int i = 0; i < 200; i++) {
                put(channel, "big/" + i, "x".repeat(1000));
            }
            keys = all(channel);
            hashes = hashes(channel);
            memberId = MaintenanceGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()).getLeader();
            try (OutputStream out = Files.newOutputStream(saved)) {
                client.getMaintenanceClient().snapshot(out).get(30, TimeUnit.SECONDS);
            }
            channel.shutdownNow();
        }
        System.out.println("snapshot saved with jetcd: " + Files.size(saved) + " bytes");
        assertThat(Files.size(saved)).isGreaterThan(200 * 1000);
        Path restored = dir.resolve("restored");
        EmbeddedEtcd.restore(saved, restored);
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(restored).build().start()) {
            ManagedChannel channel = channel(etcd);
            assertThat(all(channel)).isEqualTo(keys);
            assertThat(hashes(channel)).isEqualTo(hashes);
            assertThat(LeaseGrpc.newBlockingStub(channel).leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder()
                    .setID(77).setKeys(true).build()).getKeysList()).containsExactly(bytes("t1"));
            assertThat(MaintenanceGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()).getLeader())
                    .isNotEqualTo(memberId);
            channel.shutdownNow();
        }
        try (var leftovers = Files.list(dir.resolve("source"))) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("export-"));
        }
    }

    @Test
    void etcdctlSnapshotSaveWritesAFileTheServerRestoresFrom() throws Exception {
        Path saved = dir.resolve("etcdctl.db");
        List<KeyValue> keys;
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().inMemory().build().start()) {
            ManagedChannel channel = channel(etcd);
            writeHistory(channel);
            keys = all(channel);
            String out = Etcdctl.run(etcd.endpoint(), "snapshot", "save", saved.toString());
            System.out.println("etcdctl snapshot save: " + out.trim());
            assertThat(out).contains("Snapshot saved at " + saved);
            channel.shutdownNow();
        }
        Path restored = dir.resolve("restored");
        EmbeddedEtcd.restore(saved, restored);
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(restored).build().start()) {
            ManagedChannel channel = channel(etcd);
            assertThat(all(channel)).isEqualTo(keys);
            channel.shutdownNow();
        }
    }

    @Test
    void aDamagedOrMisplacedRestoreIsRefusedNamingTheFileOrDirectory() throws Exception {
        Path saved = dir.resolve("saved.db");
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().inMemory().build().start();
             Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            put(channel(etcd), "a", "1");
            try (OutputStream out = Files.newOutputStream(saved)) {
                client.getMaintenanceClient().snapshot(out).get(30, TimeUnit.SECONDS);
            }
        }
        byte[] good = Files.readAllBytes(saved);

        Path notEmpty = Files.createDirectories(dir.resolve("not-empty"));
        Files.writeString(notEmpty.resolve("something"), "x");
        assertThatThrownBy(() -> EmbeddedEtcd.restore(saved, notEmpty)).isInstanceOf(StartupException.class)
                .hasMessageContaining(notEmpty.toString()).hasMessageContaining("not empty");

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x01;
        Path damaged = dir.resolve("damaged.db");
        Files.write(damaged, flipped);
        assertThatThrownBy(() -> EmbeddedEtcd.restore(damaged, dir.resolve("r1"))).isInstanceOf(StartupException.class)
                .hasMessageContaining(damaged.toString());

        byte[] badChecksum = good.clone();
        badChecksum[badChecksum.length - 1] ^= 0x01;
        Path wrongSum = dir.resolve("wrong-sum.db");
        Files.write(wrongSum, badChecksum);
        assertThatThrownBy(() -> EmbeddedEtcd.restore(wrongSum, dir.resolve("r2"))).isInstanceOf(StartupException.class)
                .hasMessageContaining(wrongSum.toString()).hasMessageContaining("SHA-256");

        Path tiny = dir.resolve("tiny.db");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> EmbeddedEtcd.restore(tiny, dir.resolve("r3"))).isInstanceOf(StartupException.class)
                .hasMessageContaining(tiny.toString()).hasMessageContaining("too short");
        assertThat(dir.resolve("r1")).doesNotExist();
        assertThat(dir.resolve("r2")).doesNotExist();
    }
}
