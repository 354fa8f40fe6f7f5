package dev.baton.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.schedule.FireBatcher.Pending;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which fires {@link FireBatcher} sends together and when: the limits of one transaction and of
 * the transactions in flight, earliest fire time first, and the claim window after a fire time
 * whose tasks were written ahead. The clock is a test clock; nothing sleeps.
 */
class FireBatcherTest {

    private static final Instant T = Instant.parse("2026-12-03T10:00:00Z");
    private static final Duration WINDOW = Duration.ofMillis(100);

    private static Schedule schedule(String name, TaskProperties properties) {
        return new Schedule(name, new Trigger.FixedRate(Duration.ofSeconds(1)), MisfirePolicy.fireOnce(), properties,
                TaskOptions.defaults(), false, T.minusSeconds(60));
    }

    private static Pending fires(String name, Instant... times) {
        return new Pending(schedule(name, TaskProperties.empty()), 1, 0, List.of(times), true);
    }

    private static List<String> names(List<Pending> batch) {
        return batch.stream().map(fire -> fire.schedule.name()).toList();
    }

    /** A batcher on {@code clock} that has sent {@code sent} at the clock's instant. */
    private static FireBatcher afterSending(TestClock clock, Pending sent) {
        FireBatcher batcher = new FireBatcher(clock, WINDOW);
        batcher.add(sent);
        assertThat(batcher.next(0)).containsExactly(sent);
        return batcher;
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
    void fireOfManySchedulesLeaveInTransactionsOfAtMost31() {
        record Row(int schedules, List<Integer> transactions) {
        }
        for (Row row : List.of(new Row(1, List.of(1)), new Row(31, List.of(31)), new Row(32, List.of(31, 1)),
                new Row(70, List.of(31, 31, 8)))) {
            FireBatcher batcher = new FireBatcher(new TestClock(T), WINDOW);
            for (int i = 0; i < row.schedules(); i++) {
                batcher.add(fires("s" + i, T.plusSeconds(1)));
            }
            assertThat(batchSizes(batcher)).as("%d schedules", row.schedules()).isEqualTo(row.transactions());
        }
    }

    @Test
    void largePropertiesFillATransactionByBytesBeforeTheCountLimit() {
        TaskProperties large = TaskProperties.parse("{\"p\":\"" + "x".repeat(60_000) + "\"}");
        FireBatcher batcher = new FireBatcher(new TestClock(T), WINDOW);
        for (int i = 0; i < 20; i++) {
            batcher.add(new Pending(schedule("big" + i, large), 1, 0, List.of(T.plusSeconds(1)), true));
        }
        int perTxn = FireBatcher.MAX_TXN_BYTES / (FireBatcher.FIRE_OVERHEAD_BYTES + large.json().length());
        assertThat(batchSizes(batcher)).containsExactly(perTxn, 20 - perTxn);
    }

    @Test
    void nothingLeavesWhileEightTransactionsAreInFlight() {
        FireBatcher batcher = new FireBatcher(new TestClock(T), WINDOW);
        batcher.add(fires("a", T.plusSeconds(1)));
        assertThat(batcher.next(FireBatcher.MAX_IN_FLIGHT)).isEmpty();
        assertThat(names(batcher.next(FireBatcher.MAX_IN_FLIGHT - 1))).containsExactly("a");
    }

    @Test
    void theEarliestFireTimesLeaveFirst() {
        FireBatcher batcher = new FireBatcher(new TestClock(T), WINDOW);
        for (int i = 0; i < 40; i++) {
            batcher.add(fires("late" + i, T.plusSeconds(2)));
        }
        batcher.add(fires("missed", T.minusSeconds(5), T.plusSeconds(1)));
        batcher.add(fires("soon", T.plusSeconds(1)));
        assertThat(names(batcher.next(0))).startsWith("missed", "soon");
    }

    @Test
    void aClaimWindowHoldsOnlyFiresThatAreNotDueByItsEnd() {
        // Fire time T+1 s was written ahead at T; then, at "now", fires of the next times wait to leave.
        record Row(String story, long nowMillis, long nextFireMillis, boolean sent, long holdMillis) {
        }
        for (Row row : List.of(
                new Row("before the fire time: no window", 900, 2_000, true, 0),
                new Row("in the window: a later fire time waits", 1_040, 2_000, false, 60),
                new Row("in the window: a fire due by its end leaves", 1_040, 1_100, true, 60),
                new Row("in the window: a missed fire leaves", 1_040, -3_000, true, 60),
                new Row("at the window's end: nothing held", 1_100, 2_000, true, 0))) {
            TestClock clock = new TestClock(T);
            FireBatcher batcher = afterSending(clock, fires("ahead", T.plusSeconds(1)));
            clock.advance(Duration.ofMillis(row.nowMillis()));
            batcher.add(fires("next", T.plusMillis(row.nextFireMillis())));
            assertThat(!batcher.next(1).isEmpty()).as(row.story()).isEqualTo(row.sent());
            assertThat(batcher.hold()).as(row.story()).isEqualTo(Duration.ofMillis(row.holdMillis()));
        }
    }

    @Test
    void aWindowWaitedOutHoldsNothingAgainEvenOnAStoppedClock() {
        TestClock clock = new TestClock(T);
        FireBatcher batcher = afterSending(clock, fires("ahead", T.plusSeconds(1)));
        clock.advance(Duration.ofMillis(1_010));
        batcher.add(fires("next", T.plusSeconds(2)));
        assertThat(batcher.next(0)).isEmpty();
        assertThat(batcher.hold()).isEqualTo(Duration.ofMillis(90));
        assertThat(names(batcher.next(0))).containsExactly("next");
    }

    @Test
    void theWindowsOfOnePassHoldTheNextPassAfterTheQueueIsCleared() {
        TestClock clock = new TestClock(T);
        FireBatcher batcher = afterSending(clock, fires("ahead", T.plusSeconds(1)));
        batcher.add(fires("dropped", T.plusSeconds(1)));
        batcher.clear();
        assertThat(batcher.isEmpty()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        batcher.add(fires("next", T.plusSeconds(2)));
        assertThat(batcher.next(0)).isEmpty();
        assertThat(batcher.hold()).isEqualTo(WINDOW);
    }

    @Test
    void firesWithoutTasksOrWrittenLateOpenNoWindow() {
        record Row(String story, Pending sent) {
        }
        for (Row row : List.of(
                new Row("a fire time stored without its task",
                        new Pending(schedule("skipped", TaskProperties.empty()), 1, 0, List.of(T.plusSeconds(1)), false)),
                new Row("a task written at its fire time, not ahead", fires("late", T)))) {
            TestClock clock = new TestClock(T);
            FireBatcher batcher = afterSending(clock, row.sent());
            clock.advance(Duration.ofMillis(1_010));
            batcher.add(fires("next", T.plusSeconds(2)));
            assertThat(names(batcher.next(0))).as(row.story()).containsExactly("next");
            assertThat(batcher.hold()).as(row.story()).isZero();
        }
    }
}
