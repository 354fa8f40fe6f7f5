package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.alloc.StoreChange.Guard;
import dev.baton.alloc.StoreChange.Write;
import dev.baton.alloc.TxnBatches.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TxnBatchesTest {

    private static StoreChange add(String item, String member) {
        return new StoreChange("add " + item + "@" + member,
                List.of(new Guard("items/" + item, 5), new Guard("members/" + member, 7), new Guard("assign/" + item + "/" + member, 0)),
                List.of(new Write.Put("assign/" + item + "/" + member, new byte[0], 1)));
    }

    @Test
    void sharedGuardsCountOnceAndTheFenceTakesOneCompare() {
        // Each add brings 2 new guards after the first (the member guard is shared): 3 + 2k <= 7.
        List<StoreChange> adds = IntStream.range(0, 10).mapToObj(i -> add("i" + i, "m")).toList();

        List<Batch> batches = TxnBatches.pack(adds, 8);

        assertThat(batches).extracting(b -> b.changes().size()).containsExactly(3, 3, 3, 1);
        for (Batch batch : batches) {
            assertThat(batch.guards().size()).isLessThanOrEqualTo(7);
            assertThat(batch.guards()).extracting(Guard::key).doesNotHaveDuplicates();
        }
        assertThat(batches).flatExtracting(Batch::changes).containsExactlyElementsOf(adds);
    }

    @Test
    void writesPerBatchStayWithinTheLimit() {
        List<StoreChange> deletes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            deletes.add(new StoreChange("d" + i, List.of(new Guard("g", 3)),
                    List.of(new Write.Delete("a" + i), new Write.Delete("b" + i), new Write.Delete("c" + i))));
        }

        assertThat(TxnBatches.pack(deletes, 128 / 16)).extracting(b -> b.writes().size()).containsExactly(6, 6, 3);
    }

    @Test
    void aKeyIsNeverWrittenTwiceInOneBatch() {
        StoreChange first = new StoreChange("1", List.of(), List.of(new Write.Delete("k")));
        StoreChange second = new StoreChange("2", List.of(), List.of(new Write.Delete("k")));

        assertThat(TxnBatches.pack(List.of(first, second), 128)).hasSize(2);
    }

    @Test
    void aChangeTooLargeForOneTransactionIsRefusedNamingIt() {
        List<Guard> guards = IntStream.range(0, 200).mapToObj(i -> new Guard("k" + i, 1)).toList();
        StoreChange huge = new StoreChange("huge", guards, List.of(new Write.Delete("k0")));

        assertThatThrownBy(() -> TxnBatches.pack(List.of(add("i", "m"), huge), 128))
                .hasMessageContaining("'huge' needs 200 compares");
    }

    @Test
    void theLimitMustLeaveRoomForTheFence() {
        assertThatThrownBy(() -> TxnBatches.pack(List.of(), 1)).hasMessageContaining("got 1");
    }
}
