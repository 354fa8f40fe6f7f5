package dev.baton.server.store;

import static dev.baton.server.store.Requests.bytes;
import static dev.baton.server.store.Requests.compare;
import static dev.baton.server.store.Requests.delete;
import static dev.baton.server.store.Requests.get;
import static dev.baton.server.store.Requests.op;
import static dev.baton.server.store.Requests.put;
import static dev.baton.server.store.Requests.range;
import static io.etcd.jetcd.api.Compare.CompareResult.EQUAL;
import static io.etcd.jetcd.api.Compare.CompareResult.GREATER;
import static io.etcd.jetcd.api.Compare.CompareResult.LESS;
import static io.etcd.jetcd.api.Compare.CompareResult.NOT_EQUAL;
import static io.etcd.jetcd.api.Compare.CompareTarget.CREATE;
import static io.etcd.jetcd.api.Compare.CompareTarget.MOD;
import static io.etcd.jetcd.api.Compare.CompareTarget.VALUE;
import static io.etcd.jetcd.api.Compare.CompareTarget.VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Txn compares, branches, nesting and the request rules of etcd's Txn. */
class StoreStateTxnTest {
    private StoreState store;

    @BeforeEach
    void keys() {
        store = new StoreState(System::nanoTime, () -> 7);
        store.put(put("a", "m"));
        store.put(put("a", "m"));
        store.put(put("b", "z"));
        store.publish();
    }

    private boolean succeeds(Compare compare) {
        TxnRequest txn = TxnRequest.newBuilder().addCompare(compare).build();
        return store.txn(txn).getSucceeded();
    }

    private static Compare lease(String key, Compare.CompareResult result, long lease) {
        return compare(key, VERSION, result).setTargetValue(4)
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(lease).build()).build())
                .build();
    }

    static Stream<Arguments> compares() {
        return Stream.of(
                Arguments.of("version equal", compare("a", VERSION, EQUAL).setVersion(2).build(), true),
                Arguments.of("version greater", compare("a", VERSION, GREATER).setVersion(2).build(), false),
                Arguments.of("version less", compare("a", VERSION, LESS).setVersion(3).build(), true),
                Arguments.of("version not equal", compare("a", VERSION, NOT_EQUAL).setVersion(2).build(), false),
                Arguments.of("create revision", compare("a", CREATE, EQUAL).setCreateRevision(2).build(), true),
                Arguments.of("mod revision", compare("a", MOD, GREATER).setModRevision(2).build(), true),
                Arguments.of("value equal", compare("a", VALUE, EQUAL).setValue(bytes("m")).build(), true),
                Arguments.of("value greater", compare("a", VALUE, GREATER).setValue(bytes("a")).build(), true),
                Arguments.of("value less", compare("a", VALUE, LESS).setValue(bytes("a")).build(), false),
                Arguments.of("missing key has version 0", compare("x", VERSION, EQUAL).setVersion(0).build(), true),
                Arguments.of("missing key has create revision 0", compare("x", CREATE, EQUAL).build(), true),
                Arguments.of("a value compare on a missing key fails", compare("x", VALUE, NOT_EQUAL)
                        .setValue(bytes("q")).build(), false),
                Arguments.of("operand of another target counts as 0", compare("a", VERSION, GREATER)
                        .setModRevision(100).build(), true),
                Arguments.of("every key of a range must hold", compare("a", VERSION, EQUAL).setVersion(2)
                        .setRangeEnd(bytes("c")).build(), false),
                Arguments.of("range compare that all hold", compare("a", MOD, GREATER).setModRevision(1)
                        .setRangeEnd(bytes("c")).build(), true),
                Arguments.of("lease equal", lease("a", EQUAL, 0), true),
                Arguments.of("lease greater", lease("a", GREATER, 0), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compares")
    void comparesFollowEtcd(String name, Compare compare, boolean expected) {
        assertThat(succeeds(compare)).isEqualTo(expected);
    }

    @Test
    void theFailureBranchRunsWhenACompareFails() {
        TxnResponse response = store.txn(TxnRequest.newBuilder()
                .addCompare(compare("a", VALUE, EQUAL).setValue(bytes("other")))
                .addSuccess(op(put("s", "1")))
                .addFailure(op(get("a")))
                .build());
        assertThat(response.getSucceeded()).isFalse();
        assertThat(response.getResponses(0).getResponseRange().getKvs(0).getValue()).isEqualTo(bytes("m"));
        assertThat(response.getHeader().getRevision()).isEqualTo(4);
    }

    @Test
    void opsSeeEarlierWritesOfTheSameTxnAndShareOneRevision() {
        TxnResponse response = store.txn(TxnRequest.newBuilder()
                .addSuccess(op(get("b")))
                .addSuccess(op(put("c", "1")))
                .addSuccess(op(range("a", "z")))
                .addSuccess(op(delete("missing")))
                .build());
        assertThat(response.getHeader().getRevision()).isEqualTo(5);
        assertThat(response.getResponses(0).getResponseRange().getHeader().getRevision()).isEqualTo(4);
        assertThat(response.getResponses(1).getResponsePut().getHeader().getRevision()).isEqualTo(5);
        assertThat(response.getResponses(2).getResponseRange().getCount()).isEqualTo(3);
        assertThat(response.getResponses(3).getResponseDeleteRange().getHeader().getRevision()).isEqualTo(5);
    }

    @Test
    void nestedComparesSeeTheStateBeforeTheTxnAndNestedHeadersAreEmpty() {
        TxnRequest inner = TxnRequest.newBuilder()
                .addCompare(compare("c", VERSION, EQUAL).setVersion(0))
                .addSuccess(op(put("d", "inner")))
                .build();
        TxnResponse response = store.txn(TxnRequest.newBuilder()
                .addSuccess(op(put("c", "1")))
                .addSuccess(op(inner))
                .build());
        TxnResponse nested = response.getResponses(1).getResponseTxn();
        assertThat(nested.getSucceeded()).isTrue();
        assertThat(nested.hasHeader()).isTrue();
        assertThat(nested.getHeader().getRevision()).isZero();
        assertThat(nested.getResponses(0).getResponsePut().getHeader().getRevision()).isEqualTo(5);
    }

    @Test
    void aTxnRangeBelowTheCompactionRevisionFailsAsCompactedEvenWhenNegative() {
        store.compact(CompactionRequest.newBuilder().setRevision(2).build());
        store.publish();
        for (long revision : new long[] {-1, 1, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> store.txn(TxnRequest.newBuilder()
                    .addSuccess(op(put("c", "1")))
                    .addSuccess(op(get("a").toBuilder().setRevision(revision).build()))
                    .build()))
                    .as("a range at revision %d", revision)
                    .hasMessage("etcdserver: mvcc: required revision has been compacted");
        }
        assertThat(store.range(get("a").toBuilder().setRevision(-1).build()).getKvsCount())
                .as("a plain range reads a negative revision as now").isEqualTo(1);
        assertThat(store.kv().revision()).as("no failed txn wrote").isEqualTo(4);
    }

    @Test
    void aTxnThatChangesNothingKeepsTheRevision() {
        TxnResponse response = store.txn(TxnRequest.newBuilder().addSuccess(op(delete("missing"))).build());
        assertThat(response.getHeader().getRevision()).isEqualTo(4);
        assertThat(store.kv().revision()).isEqualTo(4);
    }

    @Test
    void aReadOnlyTxnReadsThePublishedState() {
        TxnRequest readOnly = TxnRequest.newBuilder().addSuccess(op(get("a"))).build();
        assertThat(StoreState.isReadOnly(readOnly)).isTrue();
        assertThat(store.readOnlyTxn(readOnly).getResponses(0).getResponseRange().getCount()).isEqualTo(1);
    }

    static Stream<Arguments> rejected() {
        RequestOp putA = op(put("a", "1"));
        return Stream.of(
                Arguments.of("two puts of one key", TxnRequest.newBuilder().addSuccess(putA).addSuccess(putA).build(),
                        "etcdserver: duplicate key given in txn request"),
                Arguments.of("a put inside a deleted range", TxnRequest.newBuilder().addSuccess(putA)
                        .addSuccess(op(delete("a", "b"))).build(), "etcdserver: duplicate key given in txn request"),
                Arguments.of("a nested put of a key put outside", TxnRequest.newBuilder().addSuccess(putA)
                        .addSuccess(op(TxnRequest.newBuilder().addSuccess(putA).build())).build(),
                        "etcdserver: duplicate key given in txn request"),
                Arguments.of("an empty operation", TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance()).build(),
                        "etcdserver: key not found"),
                Arguments.of("an empty compare key", TxnRequest.newBuilder().addCompare(Compare.getDefaultInstance()).build(),
                        "etcdserver: key is not provided"),
                Arguments.of("more than 128 operations", TxnRequest.newBuilder()
                        .addAllSuccess(java.util.Collections.nCopies(129, op(get("a")))).build(),
                        "etcdserver: too many operations in txn request"),
                Arguments.of("a put with an unknown lease", TxnRequest.newBuilder().addSuccess(op(put("a", "1", 99))).build(),
                        "etcdserver: requested lease not found"),
                Arguments.of("a range at a future revision", TxnRequest.newBuilder()
                        .addSuccess(op(get("a").toBuilder().setRevision(99).build())).build(),
                        "etcdserver: mvcc: required revision is a future revision"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void invalidTxnsFailWholeAndChangeNothing(String name, TxnRequest txn, String message) {
        assertThatThrownBy(() -> store.txn(txn)).isInstanceOf(EtcdError.class).hasMessage(message);
        assertThat(store.kv().revision()).isEqualTo(4);
    }

    static Stream<Arguments> allowed() {
        RequestOp putA = op(put("a", "1"));
        return Stream.of(
                Arguments.of("one key put in both branches of a nested txn", TxnRequest.newBuilder()
                        .addSuccess(op(TxnRequest.newBuilder().addSuccess(putA).addFailure(putA).build())).build()),
                Arguments.of("a put beside a delete to the end, which etcd does not count",
                        TxnRequest.newBuilder().addSuccess(putA).addSuccess(op(delete("a", "\0"))).build()),
                Arguments.of("the same put in the two top-level branches", TxnRequest.newBuilder()
                        .addSuccess(putA).addFailure(putA).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowed")
    void txnsEtcdAccepts(String name, TxnRequest txn) {
        assertThat(store.txn(txn).getSucceeded()).isTrue();
    }

    @Test
    void aPutFollowedByADeleteToTheEndLeavesTheKeyDeleted() {
        store.txn(TxnRequest.newBuilder().addSuccess(op(put("a", "1"))).addSuccess(op(delete("a", "\0"))).build());
        store.publish();
        assertThat(store.range(get("a")).getKvsList()).isEmpty();
        assertThat(store.kv().revision()).isEqualTo(5);
    }

    @Test
    void aLeaseCompareSeesTheAttachedLease() {
        long lease = store.grantLease(LeaseGrantRequest.newBuilder().setTTL(60).setID(42).build()).getID();
        store.put(put("a", "1", lease));
        assertThat(succeeds(lease("a", EQUAL, 42))).isTrue();
    }
}
