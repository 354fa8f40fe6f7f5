package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TxnSplitTest {

    private static final int BUDGET = 10_000 + TxnSplit.REQUEST_OVERHEAD_BYTES;

    @Test
    void itemsAreCutByCountAndByBytesInOrder() {
        List<Integer> sizes = List.of(100, 100, 100, 100, 100);
        assertThat(TxnSplit.split(sizes, Integer::intValue, 2, BUDGET))
                .containsExactly(List.of(100, 100), List.of(100, 100), List.of(100));
        assertThat(TxnSplit.split(List.of(6_000, 3_000, 1_000, 1), Integer::intValue, 64, BUDGET))
                .containsExactly(List.of(6_000, 3_000, 1_000), List.of(1));
        assertThat(TxnSplit.split(List.of(20_000, 1, 30_000), Integer::intValue, 64, BUDGET))
                .as("an item over the budget goes alone").containsExactly(List.of(20_000), List.of(1), List.of(30_000));
        assertThat(TxnSplit.split(List.<Integer>of(), Integer::intValue, 64, BUDGET)).isEmpty();
    }

    @Test
    void badLimitsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> TxnSplit.split(List.of(1), Integer::intValue, 0, BUDGET))
                .hasMessage("a transaction must hold at least 1 item, got 0");
        assertThatThrownBy(() -> TxnSplit.split(List.of(1), Integer::intValue, 1, 100))
                .hasMessage("a request budget must exceed 4096 bytes, got 100");
    }

    @Property
    void batchesKeepEveryItemInOrderWithinTheLimits(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 12_000) Integer> sizes,
                                                    @ForAll @IntRange(min = 1, max = 130) int maxItems) {
        List<List<Integer>> batches = TxnSplit.split(sizes, Integer::intValue, maxItems, BUDGET);

        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(sizes);
        for (int i = 0; i < batches.size(); i++) {
            List<Integer> batch = batches.get(i);
            int bytes = batch.stream().mapToInt(Integer::intValue).sum();
            assertThat(batch).isNotEmpty().hasSizeLessThanOrEqualTo(maxItems);
            assertThat(bytes <= BUDGET - TxnSplit.REQUEST_OVERHEAD_BYTES || batch.size() == 1).isTrue();
            if (i + 1 < batches.size()) {
                int nextFirst = batches.get(i + 1).get(0);
                assertThat(batch.size() == maxItems || bytes + nextFirst > BUDGET - TxnSplit.REQUEST_OVERHEAD_BYTES)
                        .as("a batch is closed only when the next item does not fit").isTrue();
            }
        }
    }
}
