package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    private final List<ExecutorService> pools = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopPools() {
        pools.forEach(ExecutorService::shutdownNow);
    }

    private SerialExecutor serialOn(int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        pools.add(pool);
        return new SerialExecutor(pool);
    }

    @Test
    void runsTasksOneAtATimeInSubmissionOrderOnAPool() {
        SerialExecutor serial = serialOn(4);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        for (int i = 0; i < 2000; i++) {
            int n = i;
            serial.execute(() -> {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                seen.add(n);
                concurrent.decrementAndGet();
            });
        }
        await().until(() -> seen.size() == 2000);
        assertThat(seen).isSorted();
        assertThat(maxConcurrent).hasValue(1);
    }

    @Test
    void aFailingTaskDoesNotStopTheNextOnes() {
        SerialExecutor serial = serialOn(1);
        AtomicInteger ran = new AtomicInteger();
        serial.execute(() -> {
            throw new IllegalStateException("boom");
        });
        serial.execute(ran::incrementAndGet);
        await().untilAtomic(ran, org.hamcrest.Matchers.equalTo(1));
    }

    @Test
    void executeHereFromInsideATaskWithNothingQueuedRunsAtOnceOnTheSameThread() {
        SerialExecutor serial = serialOn(1);
        List<String> steps = new CopyOnWriteArrayList<>();
        serial.execute(() -> {
            Thread outer = Thread.currentThread();
            serial.executeHere(() -> steps.add("inner on outer thread: " + (Thread.currentThread() == outer)));
            steps.add("outer ends");
        });
        await().until(() -> steps.size() == 2);
        assertThat(steps).containsExactly("inner on outer thread: true", "outer ends");
    }

    @Test
    void executeHereFromInsideATaskWithTasksQueuedKeepsSubmissionOrder() {
        SerialExecutor serial = serialOn(1);
        List<String> steps = new CopyOnWriteArrayList<>();
        serial.execute(() -> {
            serial.execute(() -> steps.add("queued first"));
            serial.executeHere(() -> steps.add("here"));
            steps.add("outer ends");
        });
        await().until(() -> steps.size() == 3);
        assertThat(steps).containsExactly("outer ends", "queued first", "here");
    }

    @Test
    void executeHereFromOutsideQueuesOntoTheExecutor() {
        SerialExecutor serial = serialOn(1);
        Thread caller = Thread.currentThread();
        List<Boolean> onCaller = new CopyOnWriteArrayList<>();
        serial.executeHere(() -> onCaller.add(Thread.currentThread() == caller));
        await().until(() -> onCaller.size() == 1);
        assertThat(onCaller).containsExactly(false);
    }

    @Test
    void executeInPlaceWhenIdleRunsOnTheCallerAndHandsTasksQueuedMeanwhileToTheExecutor() {
        SerialExecutor serial = serialOn(1);
        Thread caller = Thread.currentThread();
        List<String> steps = new CopyOnWriteArrayList<>();
        serial.executeInPlaceWhenIdle(() -> {
            serial.execute(() -> steps.add("queued meanwhile, on caller: " + (Thread.currentThread() == caller)));
            serial.executeHere(() -> steps.add("here, after the queued one"));
            steps.add("in place, on caller: " + (Thread.currentThread() == caller));
        });
        assertThat(steps).first().isEqualTo("in place, on caller: true");
        await().until(() -> steps.size() == 3);
        assertThat(steps).containsExactly("in place, on caller: true", "queued meanwhile, on caller: false",
                "here, after the queued one");
    }

    @Test
    void executeInPlaceWhenIdleQueuesBehindARunningTask() throws InterruptedException {
        SerialExecutor serial = serialOn(1);
        Thread caller = Thread.currentThread();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> steps = new CopyOnWriteArrayList<>();
        serial.execute(() -> {
            running.countDown();
            awaitQuietly(release);
            steps.add("running");
        });
        running.await();
        serial.executeInPlaceWhenIdle(() -> steps.add("in place, on caller: " + (Thread.currentThread() == caller)));
        assertThat(steps).isEmpty();
        release.countDown();
        await().until(() -> steps.size() == 2);
        assertThat(steps).containsExactly("running", "in place, on caller: false");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
