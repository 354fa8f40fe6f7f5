package dev.baton.server.differential;

import static dev.baton.server.differential.Requests.bytes;
import static dev.baton.server.differential.Requests.delete;
import static dev.baton.server.differential.Requests.get;
import static dev.baton.server.differential.Requests.op;
import static dev.baton.server.differential.Requests.put;
import static io.grpc.Status.Code.RESOURCE_EXHAUSTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.EtcdExtension;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Maintenance calls against real etcd and the embedded server, answers compared field by
 * field. HashKV is etcd's own hash, so its value is compared too. Each test gets a fresh
 * embedded server and its own keys; etcd's keyspace is emptied by a fresh process per test.
 */
class MaintenanceDifferentialTest {
    /** etcd's CORRUPT alarm type, which jetcd's generated enum lacks. */
    private static final int CORRUPT = 2;
    private final Path etcdDir = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    final EtcdExtension etcd = new EtcdExtension(b -> b.dataDir(etcdDir));

    private Differential diff;

    @BeforeEach
    void start() {
        diff = Differential.against(etcd.endpoint());
    }

    @AfterEach
    void stop() {
        diff.close();
        FastTempDirs.delete(etcdDir);
    }

    @Test
    void alarmsAreNoneAndDisarmingFindsNothing() {
        System.out.println("alarm list: " + diff.run("alarm get", t -> t.maintenance().alarm(AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.GET).build())));
        diff.run("alarm deactivate", t -> t.maintenance().alarm(AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.DEACTIVATE).setAlarm(AlarmType.NOSPACE).build()));
    }

    @Test
    void aRaisedNospaceAlarmRefusesWritesThatAddDataUntilDisarmed() {
        diff.lease("grant before the alarm", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(7002).setTTL(60)
                .build()));
        diff.kv("put before the alarm", kv -> kv.put(put("m/kept", "v").build()));
        diff.run("raise NOSPACE for member 42", t -> t.maintenance().alarm(alarm(AlarmRequest.AlarmAction.ACTIVATE,
                42, AlarmType.NOSPACE)));
        diff.run("raise it again", t -> t.maintenance().alarm(alarm(AlarmRequest.AlarmAction.ACTIVATE, 42,
                AlarmType.NOSPACE)));
        diff.run("list all alarms", t -> t.maintenance().alarm(alarm(AlarmRequest.AlarmAction.GET, 0, AlarmType.NONE)));
        diff.run("list NOSPACE alarms", t -> t.maintenance().alarm(alarm(AlarmRequest.AlarmAction.GET, 0,
                AlarmType.NOSPACE)));
        List<String> errors = diff.same("Status's errors",
                t -> t.maintenance().status(StatusRequest.getDefaultInstance()).getErrorsList());
        assertThat(errors).hasSize(1);
        diff.run("list CORRUPT alarms", t -> t.maintenance().alarm(AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.GET).setAlarmValue(CORRUPT).build()));

        assertThat(diff.kv("put", kv -> kv.put(put("m/new", "v").build())).code()).isEqualTo(RESOURCE_EXHAUSTED);
        String refused = diff.same("the put's error", t -> error(() -> t.kv().put(put("m/new", "v").build())));
        assertThat(refused).isEqualTo("RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded");
        diff.kv("txn putting in its failure branch", kv -> kv.txn(TxnRequest.newBuilder()
                .addSuccess(op(get("m/kept"))).addFailure(op(put("m/new", "v"))).build()));
        diff.kv("txn putting only inside a nested txn", kv -> kv.txn(TxnRequest.newBuilder()
                .addSuccess(op(TxnRequest.newBuilder().addSuccess(op(put("m/nested", "v"))))).build()));
        diff.kv("txn deleting", kv -> kv.txn(TxnRequest.newBuilder().addSuccess(op(delete("m/nested"))).build()));
        diff.kv("read-only txn", kv -> kv.txn(TxnRequest.newBuilder().addSuccess(op(get("m/kept"))).build()));
        diff.kv("range", kv -> kv.range(get("m/kept").build()));
        diff.lease("grant", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(7003).setTTL(60).build()));
        diff.lease("revoke", l -> l.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(7002).build()));
        diff.kv("delete", kv -> kv.deleteRange(delete("m/kept").setPrevKv(true).build()));
        diff.kv("compact", kv -> kv.compact(CompactionRequest.newBuilder().setRevision(3).build()));

        diff.run("disarm another member's", t -> t.maintenance().alarm(alarm(AlarmRequest.AlarmAction.DEACTIVATE, 7,
                AlarmType.NOSPACE)));
        diff.run("disarm", t -> t.maintenance().alarm(alarm(AlarmRequest.AlarmAction.DEACTIVATE, 42,
                AlarmType.NOSPACE)));
        diff.run("list after disarming", t -> t.maintenance().alarm(alarm(AlarmRequest.AlarmAction.GET, 0,
                AlarmType.NONE)));
        diff.kv("put after disarming", kv -> kv.put(put("m/new", "v").build()));
        diff.lease("grant after disarming", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(7003).setTTL(60)
                .build()));
    }

    private static AlarmRequest alarm(AlarmRequest.AlarmAction action, long member, AlarmType type) {
        return AlarmRequest.newBuilder().setAction(action).setMemberID(member).setAlarm(type).build();
    }

    private static String error(Runnable call) {
        try {
            call.run();
            return "OK";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
    }

    @Test
    void moveLeaderInAOneMemberCluster() {
        System.out.println("move leader to itself: " + diff.run("move leader to itself", t -> {
            long self = t.maintenance().status(StatusRequest.getDefaultInstance()).getHeader().getMemberId();
            return t.maintenance().moveLeader(MoveLeaderRequest.newBuilder().setTargetID(self).build());
        }));
        System.out.println("move leader elsewhere: " + diff.run("move leader to an unknown member",
                t -> t.maintenance().moveLeader(MoveLeaderRequest.newBuilder().setTargetID(12345).build())));
    }

    @Test
    void defragmentAnswersAndKeepsTheData() {
        diff.kv("put", kv -> kv.put(put("m/defrag", "v").build()));
        System.out.println("defragment: " + diff.run("defragment",
                t -> t.maintenance().defragment(DefragmentRequest.getDefaultInstance())));
        diff.kv("get after defragment", kv -> kv.range(get("m/defrag").build()));
    }

    @Test
    void hashKvIsEtcdsHashAtEveryRevision() {
        writeHistory();
        long current = diff.kv("revision", kv -> kv.range(get("m/a").build())).response() instanceof
                io.etcd.jetcd.api.RangeResponse r ? r.getHeader().getRevision() : 0;
        for (long rev = 0; rev <= current + 1; rev++) {
            long at = rev;
            Outcome o = diff.run("hashkv at " + at, t -> t.maintenance().hashKV(HashKVRequest.newBuilder()
                    .setRevision(at).build()));
            if (at == 0 || at == current) {
                System.out.println("hashkv at " + at + ": " + o.toString().replace('\n', ' '));
            }
        }
    }

    @Test
    void hashKvAfterCompactionsIsEtcdsHash() {
        writeHistory();
        for (long compactAt : new long[] {4, 12}) {
            diff.kv("compact at " + compactAt, kv -> kv.compact(CompactionRequest.newBuilder().setRevision(compactAt)
                    .setPhysical(true).build()));
            for (long rev = compactAt - 1; rev <= 16; rev++) {
                long at = rev;
                Outcome o = diff.run("hashkv at " + at + " after compacting at " + compactAt,
                        t -> t.maintenance().hashKV(HashKVRequest.newBuilder().setRevision(at).build()));
                if (at == compactAt) {
                    System.out.println("hashkv at compaction revision " + at + ": " + o);
                }
            }
            diff.run("hashkv now after compacting at " + compactAt,
                    t -> t.maintenance().hashKV(HashKVRequest.getDefaultInstance()));
        }
        diff.kv("delete all", kv -> kv.deleteRange(delete("m/", "m0").build()));
        diff.kv("compact with nothing live", kv -> kv.compact(CompactionRequest.newBuilder().setRevision(17)
                .setPhysical(true).build()));
        HashKVResponse empty = (HashKVResponse) diff.run("hashkv with nothing live",
                t -> t.maintenance().hashKV(HashKVRequest.getDefaultInstance())).response();
        assertThat(empty.getCompactRevision()).isEqualTo(17);
    }

    /**
     * Revisions 2..16: single puts, a txn of two puts (several sub revisions), a range delete, a
     * lease whose revocation deletes two keys, overwrites. Compactions above fall only where the
     * writes at or below them that still count changed one key each (the documented limit of
     * the embedded server's hash: sub revisions of compacted multi-key writes are not kept).
     */
    private void writeHistory() {
        diff.kv("put a", kv -> kv.put(put("m/a", "1").build()));                     // 2
        diff.kv("put b", kv -> kv.put(put("m/b", "1").build()));                     // 3
        diff.kv("put a again", kv -> kv.put(put("m/a", "2").build()));               // 4
        diff.kv("txn", kv -> kv.txn(TxnRequest.newBuilder()                           // 5
                .addSuccess(op(put("m/c", "1"))).addSuccess(op(put("m/d", "1"))).build()));
        diff.kv("delete b", kv -> kv.deleteRange(delete("m/b").build()));            // 6
        diff.lease("grant", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(7001).setTTL(60).build()));
        diff.kv("put e on lease", kv -> kv.put(put("m/e", "1").setLease(7001).build()));   // 7
        diff.kv("put f on lease", kv -> kv.put(put("m/f", "1").setLease(7001).build()));   // 8
        diff.kv("put g", kv -> kv.put(put("m/g", "1").build()));                     // 9
        diff.lease("revoke", l -> l.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(7001).build())); // 10
        diff.kv("delete c..d", kv -> kv.deleteRange(delete("m/c", "m/e").build()));  // 11
        diff.kv("put h", kv -> kv.put(put("m/h", "1").build()));                     // 12
        diff.kv("put a third", kv -> kv.put(put("m/a", "3").setPrevKv(true).build())); // 13
        diff.kv("put b again", kv -> kv.put(put("m/b", "2").build()));               // 14
        diff.kv("put empty value", kv -> kv.put(put("m/i", "").build()));            // 15
        diff.kv("put binary", kv -> kv.put(put("m/j", "").setValue(bytes("\u0000\u00ff")).build())); // 16
    }
}
