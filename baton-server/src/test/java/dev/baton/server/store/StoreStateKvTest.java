package dev.baton.server.store;

import static dev.baton.server.store.Requests.bytes;
import static dev.baton.server.store.Requests.delete;
import static dev.baton.server.store.Requests.get;
import static dev.baton.server.store.Requests.put;
import static dev.baton.server.store.Requests.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Revision, version and create-revision rules of puts and deletes, and range reads. */
class StoreStateKvTest {
    private StoreState store;

    @BeforeEach
    void freshStore() {
        store = new StoreState(System::nanoTime, () -> 7);
    }

    private KeyValue read(String key) {
        store.publish();
        List<KeyValue> kvs = store.range(get(key)).getKvsList();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    @Test
    void anEmptyStoreIsAtRevisionOne() {
        assertThat(store.range(get("a")).getHeader().getRevision()).isEqualTo(1);
    }

    @Test
    void aFirstPutCreatesTheKeyAtTheNextRevision() {
        assertThat(store.put(put("a", "1")).getHeader().getRevision()).isEqualTo(2);
        assertThat(read("a")).isEqualTo(KeyValue.newBuilder().setKey(bytes("a")).setValue(bytes("1"))
                .setCreateRevision(2).setModRevision(2).setVersion(1).build());
    }

    @Test
    void laterPutsKeepTheCreateRevisionAndCountVersions() {
        store.put(put("a", "1"));
        store.put(put("b", "x"));
        store.put(put("a", "1"));
        KeyValue a = read("a");
        assertThat(a.getCreateRevision()).isEqualTo(2);
        assertThat(a.getModRevision()).isEqualTo(4);
        assertThat(a.getVersion()).isEqualTo(2);
    }

    @Test
    void aPutReturnsThePreviousValueWhenAsked() {
        store.put(put("a", "1"));
        var response = store.put(put("a", "2").toBuilder().setPrevKv(true).build());
        assertThat(response.getPrevKv().getValue()).isEqualTo(bytes("1"));
        assertThat(store.put(put("b", "2").toBuilder().setPrevKv(true).build()).hasPrevKv()).isFalse();
    }

    @Test
    void deletingAMissingKeyChangesNoRevision() {
        store.put(put("a", "1"));
        var response = store.deleteRange(delete("missing"));
        assertThat(response.getDeleted()).isZero();
        assertThat(response.getHeader().getRevision()).isEqualTo(2);
        assertThat(store.kv().revision()).isEqualTo(2);
    }

    @Test
    void aKeyPutAfterItsDeletionStartsANewLife() {
        store.put(put("a", "1"));
        store.put(put("a", "2"));
        assertThat(store.deleteRange(delete("a")).getHeader().getRevision()).isEqualTo(4);
        assertThat(read("a")).isNull();
        store.put(put("a", "3"));
        KeyValue a = read("a");
        assertThat(a.getCreateRevision()).isEqualTo(5);
        assertThat(a.getVersion()).isEqualTo(1);
    }

    @Test
    void aRangeDeleteRemovesEveryKeyInOneRevision() {
        store.put(put("p/a", "1"));
        store.put(put("p/b", "2"));
        store.put(put("q", "3"));
        var response = store.deleteRange(delete("p/", "p0").toBuilder().setPrevKv(true).build());
        assertThat(response.getDeleted()).isEqualTo(2);
        assertThat(response.getPrevKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("p/a", "p/b");
        assertThat(response.getHeader().getRevision()).isEqualTo(5);
        assertThat(read("q")).isNotNull();
    }

    @Test
    void ignoreValueKeepsTheValueAndIgnoreLeaseKeepsTheLease() {
        store.put(put("a", "1"));
        store.put(put("a", "").toBuilder().setIgnoreValue(true).build());
        assertThat(read("a").getValue()).isEqualTo(bytes("1"));
        assertThatThrownBy(() -> store.put(put("missing", "").toBuilder().setIgnoreValue(true).build()))
                .hasMessage("etcdserver: key not found");
        assertThatThrownBy(() -> store.put(put("a", "x").toBuilder().setIgnoreValue(true).build()))
                .hasMessage("etcdserver: value is provided");
        assertThatThrownBy(() -> store.put(put("", "x"))).hasMessage("etcdserver: key is not provided");
    }

    static Stream<Arguments> rangeCases() {
        return Stream.of(
                Arguments.of("single key", range("b", ""), List.of("b"), 1L, false),
                Arguments.of("prefix", range("b", "c"), List.of("b", "b1", "b2"), 3L, false),
                Arguments.of("from key", range("b1", "\0"), List.of("b1", "b2", "c"), 3L, false),
                Arguments.of("all keys", range("\0", "\0"), List.of("a", "b", "b1", "b2", "c"), 5L, false),
                Arguments.of("empty when end <= key", range("c", "a"), List.of(), 0L, false),
                Arguments.of("limit sets more", range("a", "z").toBuilder().setLimit(2).build(), List.of("a", "b"), 5L, true),
                Arguments.of("limit equal to size", range("a", "z").toBuilder().setLimit(5).build(),
                        List.of("a", "b", "b1", "b2", "c"), 5L, false),
                Arguments.of("descending keys", range("a", "z").toBuilder().setSortOrder(RangeRequest.SortOrder.DESCEND)
                        .setLimit(2).build(), List.of("c", "b2"), 5L, true),
                Arguments.of("sort by mod revision descending", range("a", "z").toBuilder()
                        .setSortTarget(RangeRequest.SortTarget.MOD).setSortOrder(RangeRequest.SortOrder.DESCEND).build(),
                        List.of("b", "c", "b2", "b1", "a"), 5L, false),
                Arguments.of("target without order sorts ascending", range("a", "z").toBuilder()
                        .setSortTarget(RangeRequest.SortTarget.VALUE).build(), List.of("c", "b2", "b1", "a", "b"), 5L, false),
                Arguments.of("min mod revision filters but keeps count", range("a", "z").toBuilder()
                        .setMinModRevision(5).build(), List.of("b", "b2", "c"), 5L, false),
                Arguments.of("max create revision", range("a", "z").toBuilder().setMaxCreateRevision(3).build(),
                        List.of("a", "b"), 5L, false),
                Arguments.of("count only", range("a", "z").toBuilder().setCountOnly(true).build(), List.of(), 5L, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rangeCases")
    void rangeReadsFollowEtcd(String name, RangeRequest request, List<String> keys, long count, boolean more) {
        store.put(put("a", "4"));
        store.put(put("b", "5"));
        store.put(put("b1", "3"));
        store.put(put("b2", "2"));
        store.put(put("c", "1"));
        store.put(put("b", "6"));
        store.publish();
        RangeResponse response = store.range(request);
        assertThat(response.getKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactlyElementsOf(keys);
        assertThat(response.getCount()).isEqualTo(count);
        assertThat(response.getMore()).isEqualTo(more);
        assertThat(response.getHeader().getRevision()).isEqualTo(7);
    }

    @Test
    void keysOnlyDropsValues() {
        store.put(put("a", "1"));
        store.publish();
        KeyValue kv = store.range(get("a").toBuilder().setKeysOnly(true).build()).getKvs(0);
        assertThat(kv.getValue().isEmpty()).isTrue();
        assertThat(kv.getModRevision()).isEqualTo(2);
    }

    @Test
    void readsAtPastRevisionsSeeTheValueOfThatTime() {
        store.put(put("a", "1"));
        store.put(put("a", "2"));
        store.deleteRange(delete("a"));
        store.publish();
        assertThat(store.range(get("a").toBuilder().setRevision(2).build()).getKvs(0).getValue()).isEqualTo(bytes("1"));
        assertThat(store.range(get("a").toBuilder().setRevision(3).build()).getKvs(0).getValue()).isEqualTo(bytes("2"));
        assertThat(store.range(get("a").toBuilder().setRevision(4).build()).getKvsList()).isEmpty();
        assertThatThrownBy(() -> store.range(get("a").toBuilder().setRevision(5).build()))
                .hasMessage("etcdserver: mvcc: required revision is a future revision");
    }

    @Test
    void readersDoNotSeeUnpublishedWrites() {
        store.put(put("a", "1"));
        assertThat(store.range(get("a")).getKvsList()).isEmpty();
        assertThat(store.range(get("a")).getHeader().getRevision()).isEqualTo(1);
        store.publish();
        assertThat(store.range(get("a")).getKvsList()).hasSize(1);
    }

    @Test
    void compactingAtZeroIsAcceptedOnceBeforeAnyCompactionAsInEtcd() {
        assertThatThrownBy(() -> store.compact(CompactionRequest.newBuilder().setRevision(-1).build()))
                .hasMessage("etcdserver: mvcc: required revision has been compacted");
        store.compact(CompactionRequest.newBuilder().setRevision(0).build());
        assertThatThrownBy(() -> store.compact(CompactionRequest.newBuilder().setRevision(0).build()))
                .hasMessage("etcdserver: mvcc: required revision has been compacted");
    }

    @Test
    void compactionForgetsOldRevisionsButKeepsWhatLaterReadsNeed() {
        store.put(put("a", "1"));
        store.put(put("b", "1"));
        store.deleteRange(delete("b"));
        store.put(put("a", "2"));
        store.put(put("c", "1"));
        store.compact(CompactionRequest.newBuilder().setRevision(5).build());
        store.publish();
        assertThatThrownBy(() -> store.range(get("a").toBuilder().setRevision(4).build()))
                .hasMessage("etcdserver: mvcc: required revision has been compacted");
        assertThat(store.range(range("\0", "\0").toBuilder().setRevision(5).build()).getKvsList())
                .extracting(kv -> kv.getValue().toStringUtf8()).containsExactly("2");
        assertThat(store.range(range("\0", "\0")).getCount()).isEqualTo(2);
        assertThatThrownBy(() -> store.compact(CompactionRequest.newBuilder().setRevision(5).build()))
                .hasMessage("etcdserver: mvcc: required revision has been compacted");
        assertThatThrownBy(() -> store.compact(CompactionRequest.newBuilder().setRevision(7).build()))
                .hasMessage("etcdserver: mvcc: required revision is a future revision");
    }

    @Test
    void compactionKeepsTheChangesAtItsRevisionExceptDeletes() {
        store.put(put("a", "1"));
        store.deleteRange(delete("a"));
        store.put(put("b", "1"));
        store.compact(CompactionRequest.newBuilder().setRevision(3).build());
        store.publish();
        List<String> changes = new java.util.ArrayList<>();
        store.kv().forEachChange(0, Long.MAX_VALUE, c -> changes.add(c.toString()));
        assertThat(changes).containsExactly("put b@4");
        store.compact(CompactionRequest.newBuilder().setRevision(4).build());
        store.publish();
        changes.clear();
        store.kv().forEachChange(0, Long.MAX_VALUE, c -> changes.add(c.toString()));
        assertThat(changes).containsExactly("put b@4");
    }

    @Test
    void compactionAtTheRevisionOfAPutDeletedInTheSameTxn() {
        store.txn(io.etcd.jetcd.api.TxnRequest.newBuilder()
                .addSuccess(io.etcd.jetcd.api.RequestOp.newBuilder().setRequestPut(put("a", "1")))
                .addSuccess(io.etcd.jetcd.api.RequestOp.newBuilder().setRequestDeleteRange(delete("a", "\0")))
                .build());
        store.compact(CompactionRequest.newBuilder().setRevision(2).build());
        store.publish();
        List<String> changes = new java.util.ArrayList<>();
        store.kv().forEachChange(0, Long.MAX_VALUE, c -> changes.add(c.toString()));
        assertThat(changes).isEmpty();
        assertThat(store.range(range("\0", "\0")).getCount()).isZero();
    }
}
