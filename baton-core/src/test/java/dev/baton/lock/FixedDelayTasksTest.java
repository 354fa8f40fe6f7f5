package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FixedDelayTasksTest {
    private static final Duration DELAY = Duration.ofMillis(40);

    @Test
    void runsEveryTaskOnceInTheOrderAddedAndNoneBeforeThreeQuartersOfTheDelay() {
        FixedDelayTasks tasks = new FixedDelayTasks(DELAY);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        List<Long> waitedNanos = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            long added = System.nanoTime();
            tasks.add(() -> {
                waitedNanos.add(System.nanoTime() - added);
                ran.add(n);
            });
        }
        await().until(() -> ran.size() == 50);
        assertThat(ran).isSorted().doesNotHaveDuplicates();
        assertThat(waitedNanos).allSatisfy(waited -> assertThat(waited).isGreaterThanOrEqualTo(DELAY.toNanos() * 3 / 4));
    }

    @Test
    void keepsRunningTasksAddedAfterTheTimerWentIdle() {
        FixedDelayTasks tasks = new FixedDelayTasks(DELAY);
        List<String> ran = new CopyOnWriteArrayList<>();
        tasks.add(() -> ran.add("first"));
        await().until(() -> ran.size() == 1);
        tasks.add(() -> ran.add("second"));
        tasks.add(() -> {
            throw new IllegalStateException("a failing task");
        });
        tasks.add(() -> ran.add("after a failing one"));
        await().until(() -> ran.size() == 3);
        assertThat(ran).containsExactly("first", "second", "after a failing one");
    }
}
