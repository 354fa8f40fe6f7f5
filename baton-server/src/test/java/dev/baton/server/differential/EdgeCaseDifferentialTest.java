package dev.baton.server.differential;

import static dev.baton.server.differential.Requests.bytes;
import static dev.baton.server.differential.Requests.compare;
import static dev.baton.server.differential.Requests.delete;
import static dev.baton.server.differential.Requests.get;
import static dev.baton.server.differential.Requests.leaseCompare;
import static dev.baton.server.differential.Requests.op;
import static dev.baton.server.differential.Requests.put;
import static dev.baton.server.differential.Requests.range;
import static dev.baton.server.differential.Requests.watch;
import static dev.baton.server.differential.Requests.watchRange;
import static io.etcd.jetcd.api.Compare.CompareResult.EQUAL;
import static io.etcd.jetcd.api.Compare.CompareResult.GREATER;
import static io.etcd.jetcd.api.Compare.CompareResult.NOT_EQUAL;
import static io.etcd.jetcd.api.Compare.CompareTarget.CREATE;
import static io.etcd.jetcd.api.Compare.CompareTarget.MOD;
import static io.etcd.jetcd.api.Compare.CompareTarget.VALUE;
import static io.etcd.jetcd.api.Compare.CompareTarget.VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.baton.server.fuzz.ApiCalls;
import dev.baton.testkit.EtcdExtension;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edge cases of etcd's API, each run against real etcd and the embedded server with the
 * answers compared field by field. All tests share the two servers (each in its own keys), so
 * the servers' revisions stay equal throughout.
 */
class EdgeCaseDifferentialTest {
    private static final Path ETCD_DIR = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension(b -> b.dataDir(ETCD_DIR));

    private static Differential diff;

    @BeforeAll
    static void start() {
        diff = Differential.against(ETCD.endpoint());
    }

    @AfterAll
    static void stop() {
        diff.close();
        FastTempDirs.delete(ETCD_DIR);
    }

    private static long revision() {
        return diff.kv("current revision", kv -> kv.range(get("x").build())).response() instanceof
                io.etcd.jetcd.api.RangeResponse r ? r.getHeader().getRevision() : 0;
    }

    @Test
    void deletingAMissingKey() {
        diff.kv("delete missing", kv -> kv.deleteRange(delete("edge/missing").setPrevKv(true).build()));
        diff.kv("delete missing range", kv -> kv.deleteRange(delete("edge/missing/", "edge/missing0").build()));
    }

    @Test
    void sameValuePutsStillMakeRevisions() {
        diff.kv("put", kv -> kv.put(put("edge/same", "v").build()));
        diff.kv("same put", kv -> kv.put(put("edge/same", "v").setPrevKv(true).build()));
        diff.kv("get", kv -> kv.range(get("edge/same").build()));
    }

    @Test
    void readOnlyTxns() {
        diff.kv("put", kv -> kv.put(put("edge/ro", "1").build()));
        diff.kv("read-only txn", kv -> kv.txn(TxnRequest.newBuilder()
                .addCompare(compare("edge/ro", VALUE, EQUAL).setValue(bytes("1")))
                .addSuccess(op(get("edge/ro")))
                .addSuccess(op(range("edge/", "edge0").setCountOnly(true)))
                .addFailure(op(get("edge/none")))
                .build()));
        diff.kv("read-only txn at a future revision", kv -> kv.txn(TxnRequest.newBuilder()
                .addSuccess(op(get("edge/ro").setRevision(revision() + 5))).build()));
        diff.kv("empty txn", kv -> kv.txn(TxnRequest.getDefaultInstance()));
    }

    static Stream<Arguments> txns() {
        RequestOp putA = op(put("edge/t/a", "1"));
        return Stream.of(
                Arguments.of("ops see earlier writes", TxnRequest.newBuilder()
                        .addSuccess(op(get("edge/t/a"))).addSuccess(putA)
                        .addSuccess(op(range("edge/t/", "edge/t0")))
                        .addSuccess(op(delete("edge/t/missing"))).build()),
                Arguments.of("nested txn", TxnRequest.newBuilder()
                        .addCompare(compare("edge/t/a", VERSION, GREATER).setVersion(0))
                        .addSuccess(op(put("edge/t/b", "2").setPrevKv(true)))
                        .addSuccess(op(TxnRequest.newBuilder()
                                .addCompare(compare("edge/t/b", CREATE, EQUAL).setCreateRevision(0))
                                .addSuccess(op(put("edge/t/c", "3")))
                                .addFailure(op(get("edge/t/b")))))
                        .addFailure(op(get("edge/t/a"))).build()),
                Arguments.of("compare over a range", TxnRequest.newBuilder()
                        .addCompare(compare("edge/t/", MOD, GREATER).setModRevision(1).setRangeEnd(bytes("edge/t0")))
                        .addSuccess(op(range("edge/t/", "edge/t0").setKeysOnly(true))).build()),
                Arguments.of("value compare on a missing key", TxnRequest.newBuilder()
                        .addCompare(compare("edge/t/none", VALUE, NOT_EQUAL).setValue(bytes("x")))
                        .addFailure(op(put("edge/t/d", "4"))).build()),
                Arguments.of("lease compare", TxnRequest.newBuilder()
                        .addCompare(leaseCompare("edge/t/a", EQUAL, 0))
                        .addSuccess(op(get("edge/t/a"))).build()),
                Arguments.of("duplicate put", TxnRequest.newBuilder().addSuccess(putA).addSuccess(putA).build()),
                Arguments.of("put in a deleted range", TxnRequest.newBuilder().addSuccess(putA)
                        .addSuccess(op(delete("edge/t/", "edge/t0"))).build()),
                Arguments.of("put beside a delete to the end", TxnRequest.newBuilder().addSuccess(putA)
                        .addSuccess(op(delete("edge/t/", "\0").setPrevKv(true))).build()),
                Arguments.of("nested duplicate", TxnRequest.newBuilder().addSuccess(putA)
                        .addSuccess(op(TxnRequest.newBuilder().addSuccess(putA))).build()),
                Arguments.of("same put in both nested branches", TxnRequest.newBuilder()
                        .addSuccess(op(TxnRequest.newBuilder().addSuccess(putA).addFailure(putA))).build()),
                Arguments.of("empty op", TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance()).build()),
                Arguments.of("empty compare key", TxnRequest.newBuilder()
                        .addCompare(compare("", VERSION, EQUAL)).build()),
                Arguments.of("129 ops", TxnRequest.newBuilder()
                        .addAllSuccess(Collections.nCopies(129, op(get("edge/t/a")))).build()),
                Arguments.of("128 ops", TxnRequest.newBuilder()
                        .addAllSuccess(Collections.nCopies(128, op(get("edge/t/a")))).build()),
                Arguments.of("unknown lease in a put", TxnRequest.newBuilder()
                        .addSuccess(op(put("edge/t/e", "5").setLease(987654))).build()),
                Arguments.of("ignore value of a missing key", TxnRequest.newBuilder()
                        .addSuccess(op(put("edge/t/none", "").setIgnoreValue(true))).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("txns")
    void txnsBehaveAsInEtcd(String name, TxnRequest txn) {
        diff.kv(name, kv -> kv.txn(txn));
    }

    static Stream<Arguments> ranges() {
        return Stream.of(
                Arguments.of("single key", get("edge/r/b")),
                Arguments.of("prefix", range("edge/r/", "edge/r0")),
                Arguments.of("from key", range("edge/r/c", "\0")),
                Arguments.of("limit", range("edge/r/", "edge/r0").setLimit(2)),
                Arguments.of("descending", range("edge/r/", "edge/r0").setSortOrder(RangeRequest.SortOrder.DESCEND)),
                Arguments.of("by version", range("edge/r/", "edge/r0").setSortTarget(RangeRequest.SortTarget.VERSION)
                        .setSortOrder(RangeRequest.SortOrder.DESCEND)),
                Arguments.of("by create, limited", range("edge/r/", "edge/r0")
                        .setSortTarget(RangeRequest.SortTarget.CREATE).setLimit(3)),
                Arguments.of("by mod", range("edge/r/", "edge/r0").setSortTarget(RangeRequest.SortTarget.MOD)
                        .setSortOrder(RangeRequest.SortOrder.ASCEND)),
                Arguments.of("by value", range("edge/r/", "edge/r0").setSortTarget(RangeRequest.SortTarget.VALUE)),
                Arguments.of("keys only", range("edge/r/", "edge/r0").setKeysOnly(true)),
                Arguments.of("count only", range("edge/r/", "edge/r0").setCountOnly(true).setLimit(1)),
                Arguments.of("min mod revision", range("edge/r/", "edge/r0").setMinModRevision(3).setLimit(1)),
                Arguments.of("max create revision", range("edge/r/", "edge/r0").setMaxCreateRevision(1)),
                Arguments.of("empty range", range("edge/r/z", "edge/r/a")),
                Arguments.of("empty key", range("", "")),
                Arguments.of("future revision", get("edge/r/a").setRevision(1_000_000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ranges")
    void rangesBehaveAsInEtcd(String name, RangeRequest.Builder request) {
        for (String key : List.of("edge/r/a", "edge/r/b", "edge/r/c", "edge/r/d")) {
            diff.kv("put " + key, kv -> kv.put(put(key, "v-" + (char) ('z' - key.charAt(key.length() - 1))).build()));
        }
        diff.kv("put edge/r/b again", kv -> kv.put(put("edge/r/b", "again").build()));
        diff.kv(name, kv -> kv.range(request.build()));
    }

    @Test
    void rejectedRequests() {
        diff.kv("put with empty key", kv -> kv.put(put("", "v").build()));
        diff.kv("delete with empty key", kv -> kv.deleteRange(delete("").build()));
        diff.kv("put with unknown lease", kv -> kv.put(put("edge/e", "v").setLease(123456789).build()));
        diff.kv("ignore value of missing key", kv -> kv.put(put("edge/e/none", "").setIgnoreValue(true).build()));
        diff.kv("ignore value with a value", kv -> kv.put(put("edge/e", "v").setIgnoreValue(true).build()));
        diff.kv("ignore lease with a lease", kv -> kv.put(put("edge/e", "v").setIgnoreLease(true).setLease(5).build()));
        ByteString large = ByteString.copyFrom(new byte[1600 * 1024]);
        diff.kv("request too large", kv -> kv.put(put("edge/e", "").setValue(large).build()));
        ByteString huge = ByteString.copyFrom(new byte[3 * 1024 * 1024]);
        diff.kv("request beyond the gRPC limit", kv -> kv.put(put("edge/e", "").setValue(huge).build()));
    }

    @Test
    void aWriteIsMeasuredWithTheHeaderEtcdAddsToIt() {
        int limit = 1536 * 1024;
        diff.kv("a put that fits the limit with etcd's header",
                kv -> kv.put(put("size/a", "").setValue(ByteString.copyFrom(new byte[limit - 40])).build()));
        diff.kv("a put under the limit that exceeds it with etcd's header",
                kv -> kv.put(put("size/b", "").setValue(ByteString.copyFrom(new byte[limit - 20])).build()));
    }

    @Test
    void txnsNestedUpToTheOperationLimitAreAppliedAndDeeperOnesRefused() {
        for (int depth : new int[] {60, 128, 129, 200}) {
            TxnRequest txn = TxnRequest.newBuilder().addSuccess(op(put("deep/" + depth, "v"))).build();
            for (int i = 1; i < depth; i++) {
                txn = TxnRequest.newBuilder().addSuccess(op(txn.toBuilder())).build();
            }
            TxnRequest request = txn;
            diff.run("a txn nested " + depth + " deep", t -> ApiCalls.send(t.channel, request));
        }
    }

    @Test
    void compactionAndReadsBelowIt() {
        diff.kv("put", kv -> kv.put(put("edge/c", "1").build()));
        diff.kv("put", kv -> kv.put(put("edge/c", "2").build()));
        long rev = revision();
        diff.kv("compact in the future", kv -> kv.compact(CompactionRequest.newBuilder().setRevision(rev + 10).build()));
        diff.kv("compact", kv -> kv.compact(CompactionRequest.newBuilder().setRevision(rev).build()));
        diff.kv("compact again", kv -> kv.compact(CompactionRequest.newBuilder().setRevision(rev).build()));
        diff.kv("read below", kv -> kv.range(get("edge/c").setRevision(rev - 1).build()));
        diff.kv("read at", kv -> kv.range(get("edge/c").setRevision(rev).build()));
        diff.kv("txn read below", kv -> kv.txn(TxnRequest.newBuilder()
                .addSuccess(op(get("edge/c").setRevision(rev - 1))).build()));
    }

    @Test
    void revokingALeaseWithManyKeysDeletesThemInOneRevision() {
        try (Differential.WatchPair watches = diff.openWatches()) {
            watches.send(watch(watchRange("edge/lease/", "edge/lease0").setPrevKv(true)));
            diff.lease("grant", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(4242).setTTL(600).build()));
            for (int i = 0; i < 100; i++) {
                String key = String.format("edge/lease/%03d", 99 - i);
                diff.kv("put " + key, kv -> kv.put(put(key, "v").setLease(4242).build()));
            }
            diff.run("time to live with keys", t -> sortedKeys(t.lease().leaseTimeToLive(
                    LeaseTimeToLiveRequest.newBuilder().setID(4242).setKeys(true).build())));
            diff.lease("revoke", l -> l.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(4242).build()));
            long revoked = revision();
            diff.kv("keys are gone", kv -> kv.range(range("edge/lease/", "edge/lease0").build()));
            diff.lease("revoke again", l -> l.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(4242).build()));
            watches.awaitSame("watch of the revoked keys", w ->
                    WatchRecorder.sawEvent(w, 0, "edge/lease/099", revoked));
        }
    }

    /** Remaining TTL depends on timing and key order is unspecified: both are normalised. */
    private static LeaseTimeToLiveResponse sortedKeys(LeaseTimeToLiveResponse r) {
        List<ByteString> keys = new ArrayList<>(r.getKeysList());
        keys.sort(ByteString.unsignedLexicographicalComparator());
        long ttl = r.getTTL() > 0 && r.getGrantedTTL() - r.getTTL() <= 2 ? r.getGrantedTTL() : r.getTTL();
        return r.toBuilder().clearKeys().addAllKeys(keys).setTTL(ttl).build();
    }

    @Test
    void leaseCalls() {
        diff.lease("grant with ID", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(77).setTTL(60).build()));
        diff.lease("grant same ID", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(77).setTTL(60).build()));
        diff.lease("grant below minimum TTL", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(78).setTTL(1)
                .build()));
        diff.lease("grant too long", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(79)
                .setTTL(9_000_000_001L).build()));
        diff.run("time to live", t -> sortedKeys(t.lease().leaseTimeToLive(
                LeaseTimeToLiveRequest.newBuilder().setID(77).build())));
        diff.lease("time to live of unknown", l -> l.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(76)
                .build()));
        diff.run("keep alive", t -> keepAlive(t, 77));
        diff.run("keep alive of unknown", t -> keepAlive(t, 76));
        diff.lease("revoke unknown", l -> l.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(76).build()));
        diff.same("lease list", t -> t.leases().ids().stream().filter(id -> id == 77 || id == 78).toList());
        diff.lease("revoke", l -> l.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(77).build()));
        diff.lease("revoke", l -> l.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(78).build()));
    }

    private static LeaseKeepAliveResponse keepAlive(Target target, long id) {
        LinkedBlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<LeaseKeepAliveRequest> requests = target.leaseAsync().leaseKeepAlive(new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse r) {
                answers.add(r);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
        try {
            LeaseKeepAliveResponse r = answers.poll(10, TimeUnit.SECONDS);
            requests.onCompleted();
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void watchFromACompactedRevision() {
        diff.kv("put", kv -> kv.put(put("edge/wc/a", "1").build()));
        diff.kv("delete", kv -> kv.deleteRange(delete("edge/wc/a").build()));
        diff.kv("put", kv -> kv.put(put("edge/wc/b", "1").build()));
        long compactAt = revision();
        diff.kv("put", kv -> kv.put(put("edge/wc/c", "1").build()));
        diff.kv("compact", kv -> kv.compact(CompactionRequest.newBuilder().setRevision(compactAt).build()));
        diff.kv("put", kv -> kv.put(put("edge/wc/d", "1").build()));
        long last = revision();
        try (Differential.WatchPair watches = diff.openWatches()) {
            watches.send(watch(watchRange("edge/wc/", "edge/wc0").setStartRevision(compactAt - 1)));
            watches.send(watch(watchRange("edge/wc/", "edge/wc0").setStartRevision(compactAt).setPrevKv(true)));
            watches.awaitSame("watches from and below the compaction", w ->
                    w.getOrDefault(0L, List.of()).size() == 2 && WatchRecorder.sawEvent(w, 1, "edge/wc/d", last));
        }
    }

    @Test
    void watchOptions() {
        try (Differential.WatchPair watches = diff.openWatches()) {
            long start = revision();
            watches.send(watch(watchRange("edge/wo/", "edge/wo0").setPrevKv(true)));
            watches.send(watch(watchRange("edge/wo/", "edge/wo0")
                    .addFilters(WatchCreateRequest.FilterType.NOPUT), 100));
            watches.send(watch(watchRange("edge/wo/a", "").addFilters(WatchCreateRequest.FilterType.NODELETE)));
            watches.send(watch(watchRange("edge/wo/b", ""), 100));
            watches.send(watch(watchRange("edge/wo/b", "edge/wo/a")));
            watches.send(watch(watchRange("edge/wo/", "\0").setStartRevision(start + 4)));
            watches.send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(555))
                    .build());
            watches.send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
            watches.awaitSame("creation", w -> w.getOrDefault(-1L, List.of()).size() == 3);
            diff.kv("put a", kv -> kv.put(put("edge/wo/a", "1").build()));
            diff.kv("txn", kv -> kv.txn(TxnRequest.newBuilder()
                    .addSuccess(op(put("edge/wo/z", "2")))
                    .addSuccess(op(put("edge/wo/b", "3")))
                    .addSuccess(op(delete("edge/wo/a"))).build()));
            diff.kv("put a", kv -> kv.put(put("edge/wo/a", "4").build()));
            diff.kv("delete range", kv -> kv.deleteRange(delete("edge/wo/", "edge/wo0").build()));
            long last = revision();
            watches.send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(100))
                    .build());
            watches.awaitSame("events", w -> WatchRecorder.sawEvent(w, 0, "edge/wo/z", last)
                    && w.getOrDefault(100L, List.of()).stream().anyMatch(e -> e.startsWith("cancelled")));
        }
    }

    @ParameterizedTest
    @MethodSource("callsOutsideEtcdsApi")
    void callsOutsideEtcdsApiGetEtcdsUnimplementedAnswer(String fullMethodName) {
        String answer = diff.same("call " + fullMethodName, t -> t.callStatus(fullMethodName));
        System.out.println(fullMethodName + " -> " + answer);
        assertThat(answer).startsWith("UNIMPLEMENTED: unknown ");
    }

    static Stream<String> callsOutsideEtcdsApi() {
        return Stream.of("etcdserverpb.Watch/Progress", "etcdserverpb.KV/Scan", "etcdserverpb.Auth/Frobnicate",
                "v3lockpb.Lock/TryLock", "etcdserverpb.Nothing/Range");
    }

    @Test
    void statusAndMemberListHaveEtcdsShape() {
        diff.same("status fields", t -> {
            var s = t.maintenance().status(StatusRequest.getDefaultInstance());
            return List.of(s.getLeader() == s.getHeader().getMemberId(), s.getVersion().startsWith("3.4."),
                    s.getRaftIndex() > 0, s.getIsLearner(), s.getErrorsCount());
        });
        diff.same("member list fields", t -> {
            var m = t.cluster().memberList(MemberListRequest.getDefaultInstance());
            return List.of(m.getMembersCount(), m.getMembers(0).getID() == m.getHeader().getMemberId(),
                    m.getHeader().getRevision(), m.getMembers(0).getClientURLsCount());
        });
    }

    @Test
    void expiredLeasesAreRevokedPromptly() {
        diff.lease("grant", l -> l.leaseGrant(LeaseGrantRequest.newBuilder().setID(91).setTTL(2).build()));
        diff.kv("put", kv -> kv.put(put("edge/expiring", "v").setLease(91).build()));
        long granted = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> diff.embedded.kv().range(get("edge/expiring").build())
                .getCount() == 0);
        long embeddedGoneAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - granted);
        await().atMost(Duration.ofSeconds(10)).until(() -> diff.etcd.kv().range(get("edge/expiring").build())
                .getCount() == 0);
        assertThat(embeddedGoneAfterMillis).isLessThan(2_000 + 1_500);
        diff.kv("after expiry", kv -> kv.range(get("edge/expiring").build()));
        diff.lease("time to live after expiry", l -> l.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(91)
                .build()));
    }
}
