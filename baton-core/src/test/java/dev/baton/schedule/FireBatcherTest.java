package dev.baton.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.schedule.FireBatcher.Pending;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which fires {@link FireBatcher} sends together: the limits of one transaction (fires and
 * bytes) and of the transactions in flight, in the order the schedules were queued.
 */
class FireBatcherTest {

    private static final Instant T = Instant.parse("2026-12-03T10:00:00Z");

    private static Schedule schedule(String name, TaskProperties properties) {
        return new Schedule(name, new Trigger.FixedRate(Duration.ofSeconds(1)), MisfirePolicy.fireOnce(), properties,
                TaskOptions.defaults(), false, T.minusSeconds(60));
    }

    private static Pending fires(String name, TaskProperties properties) {
        return new Pending(schedule(name, properties), 1, 0, List.of(T), true);
    }

    /** The sizes of the transactions {@code batcher} sends, none in flight, until its queue is empty. */
    private static List<Integer> batchSizes(FireBatcher batcher) {
        List<Integer> sizes = new ArrayList<>();
        for (List<Pending> batch = batcher.next(0); !batch.isEmpty(); batch = batcher.next(0)) {
            sizes.add(batch.size());
        }
        return sizes;
    }

    @Test
    void theFiresOfManySchedulesLeaveInTransactionsOfAtMost31() {
        TaskProperties large = TaskProperties.parse("{\"p\":\"" + "x".repeat(60_000) + "\"}");
        int largePerTxn = FireBatcher.MAX_TXN_BYTES / (FireBatcher.FIRE_OVERHEAD_BYTES + large.json().length());
        record Row(String story, int schedules, TaskProperties properties, List<Integer> transactions) {
        }
        for (Row row : List.of(
                new Row("one schedule", 1, TaskProperties.empty(), List.of(1)),
                new Row("a full transaction", 31, TaskProperties.empty(), List.of(31)),
                new Row("one more than fits", 32, TaskProperties.empty(), List.of(31, 1)),
                new Row("several transactions", 70, TaskProperties.empty(), List.of(31, 31, 8)),
                new Row("large properties fill a transaction by bytes first", 20, large,
                        List.of(largePerTxn, 20 - largePerTxn)))) {
            FireBatcher batcher = new FireBatcher();
            for (int i = 0; i < row.schedules(); i++) {
                batcher.add(fires("s" + i, row.properties()));
            }
            assertThat(batchSizes(batcher)).as(row.story()).isEqualTo(row.transactions());
        }
    }

    @Test
    void nothingLeavesWhileEightTransactionsAreInFlight() {
        FireBatcher batcher = new FireBatcher();
        batcher.add(fires("a", TaskProperties.empty()));
        assertThat(batcher.next(FireBatcher.MAX_IN_FLIGHT)).isEmpty();
        assertThat(batcher.next(FireBatcher.MAX_IN_FLIGHT - 1)).extracting(fire -> fire.schedule.name())
                .containsExactly("a");
        assertThat(batcher.isEmpty()).isTrue();
    }

    @Test
    void schedulesLeaveInTheOrderTheyWereQueued() {
        FireBatcher batcher = new FireBatcher();
        for (String name : List.of("c", "a", "b")) {
            batcher.add(fires(name, TaskProperties.empty()));
        }
        assertThat(batcher.next(0)).extracting(fire -> fire.schedule.name()).containsExactly("c", "a", "b");
    }

    @Test
    void aScheduleWithNoFireTimeToWriteIsRefused() {
        assertThatThrownBy(() -> new Pending(schedule("empty", TaskProperties.empty()), 1, 0, List.of(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"empty\"");
    }
}
