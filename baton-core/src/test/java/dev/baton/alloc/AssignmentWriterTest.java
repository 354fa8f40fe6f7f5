package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.alloc.StoreChange.Write;
import dev.baton.alloc.TxnBatches.Batch;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The writer against a real etcd with its default limit of 128 operations per transaction. */
class AssignmentWriterTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final int ETCD_MAX_TXN_OPS = 128;

    private Etcd etcd;
    private String prefix;
    private Guard fence;
    private String fenceKey;

    @BeforeEach
    void connect(TestInfo info) throws Exception {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        prefix = info.getTestMethod().orElseThrow().getName() + "/";
        fenceKey = prefix + "leader";
        long token = etcd.put(fenceKey, bytes("me"), 0).get();
        fence = Compares.createRevisionIs(fenceKey, token);
    }

    @AfterEach
    void disconnect() {
        etcd.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private StoreChange create(String name) {
        String key = prefix + name;
        return new StoreChange("create " + name, List.of(new StoreChange.Guard(key, 0)), List.of(new Write.Put(key, bytes(name), 0)));
    }

    private long count() throws Exception {
        return etcd.range(KeyRange.prefix(prefix + "k")).get().kvs().size();
    }

    @Test
    void twoHundredChangesLandInBatchesEtcdAccepts() throws Exception {
        List<StoreChange> changes = IntStream.range(0, 200).mapToObj(i -> create("k" + i)).toList();
        List<Batch> packing = TxnBatches.pack(changes, ETCD_MAX_TXN_OPS);

        AssignmentWriter.Outcome outcome = new AssignmentWriter(etcd, 4).apply(packing, fence, () -> true);

        assertThat(packing).hasSize(2);
        assertThat(outcome.committed()).isEqualTo(2);
        assertThat(outcome.refused()).isZero();
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.revision()).isEqualTo(etcd.range(KeyRange.key(fenceKey)).get().revision());
        assertThat(count()).isEqualTo(200);
    }

    @Test
    void etcdRefusesOneCompareMoreThanItsLimit() {
        List<Guard> when = new ArrayList<>();
        for (int i = 0; i <= ETCD_MAX_TXN_OPS; i++) {
            when.add(Compares.absent(prefix + "k" + i));
        }
        List<Operation> then = List.of(Operations.put(prefix + "x", bytes("x"), 0));

        assertThatThrownBy(() -> etcd.txn(when, then, List.of()).get()).hasMessageContaining("too many operations");
    }

    @Test
    void aDeposedLeadersBatchesAreRefusedAndTheRestIsNotSent() throws Exception {
        List<StoreChange> changes = IntStream.range(0, 20).mapToObj(i -> create("k" + i)).toList();
        List<Batch> packing = TxnBatches.pack(changes, 4);
        etcd.delete(KeyRange.key(fenceKey)).get();

        AssignmentWriter.Outcome outcome = new AssignmentWriter(etcd, 2).apply(packing, fence, () -> false);

        assertThat(outcome.committed()).isZero();
        assertThat(outcome.refused()).isEqualTo(2);
        assertThat(outcome.unsent()).isEqualTo(packing.size() - 2);
        assertThat(count()).isZero();
    }

    @Test
    void aStaleGuardRefusesItsWholeBatchAndOnlyIt() throws Exception {
        String guarded = prefix + "status";
        long read = etcd.put(guarded, bytes("ready"), 0).get();
        StoreChange stale = new StoreChange("stale", List.of(new StoreChange.Guard(guarded, read)),
                List.of(new Write.Delete(guarded), new Write.Put(prefix + "k-stale", bytes("x"), 0)));
        etcd.put(guarded, bytes("not ready"), 0).get();
        List<Batch> packing = TxnBatches.pack(List.of(stale, create("k-fresh")), 2);

        AssignmentWriter.Outcome outcome = new AssignmentWriter(etcd, 1).apply(packing, fence, () -> true);

        assertThat(outcome.committed()).isEqualTo(1);
        assertThat(outcome.refused()).isEqualTo(1);
        assertThat(etcd.get(guarded).get()).map(kv -> kv.valueUtf8()).contains("not ready");
        assertThat(etcd.get(prefix + "k-stale").get()).isEmpty();
        assertThat(etcd.get(prefix + "k-fresh").get()).isPresent();
    }

    @Test
    void anUnreachableStoreStopsTheRoundWithTheFailure() throws Exception {
        List<Batch> packing = TxnBatches.pack(List.of(create("k1"), create("k2")), 2);
        try (Etcd unreachable = Etcd.builder().endpoints("127.0.0.1:1")
                .requestTimeout(Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(1)).build()) {

            AssignmentWriter.Outcome outcome = new AssignmentWriter(unreachable, 1).apply(packing, fence, () -> true);

            assertThat(outcome.failure()).isNotNull();
            assertThat(outcome.committed()).isZero();
            assertThat(outcome.unsent()).isEqualTo(1);
        }
    }
}
