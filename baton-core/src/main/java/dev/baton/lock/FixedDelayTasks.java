package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks a fixed delay after they were added, or up to a quarter of it sooner, with one timer
 * for all of them. Every task waits the same delay, so they come due in the order they were added;
 * the timer waits for the oldest and runs with it every task due within the next quarter delay, so
 * it fires at most about four times a delay however many tasks are added. A lock attempt adds one
 * per acquire and most holds end before it is due: a timer per attempt, scheduled and cancelled,
 * would wake the timer thread twice per acquire. Tasks run on the JDK's delay scheduler thread
 * ({@link CompletableFuture#delayedExecutor}) and must only hand work on.
 */
final class FixedDelayTasks {
    private static final Logger LOG = LoggerFactory.getLogger(FixedDelayTasks.class);

    private final long delayNanos;
    private final long slackNanos;
    private final Queue<Due> queue = new ArrayDeque<>();
    private boolean armed;

    FixedDelayTasks(Duration delay) {
        this.delayNanos = delay.toNanos();
        this.slackNanos = delayNanos / 4;
    }

    /** Runs {@code task} once the delay, less up to a quarter, has passed. */
    void add(Runnable task) {
        boolean arm;
        synchronized (queue) {
            queue.add(new Due(System.nanoTime() + delayNanos, task));
            arm = !armed;
            armed = true;
        }
        if (arm) {
            armFor(delayNanos);
        }
    }

    private void runDue() {
        List<Runnable> due = new ArrayList<>();
        long untilNext;
        synchronized (queue) {
            long now = System.nanoTime();
            while (!queue.isEmpty() && queue.peek().at() - now <= slackNanos) {
                due.add(queue.poll().task());
            }
            armed = !queue.isEmpty();
            untilNext = armed ? queue.peek().at() - now : -1;
        }
        if (untilNext > 0) {
            armFor(untilNext);
        }
        for (Runnable task : due) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("delayed task failed", e);
            }
        }
    }

    private void armFor(long nanos) {
        CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, Runnable::run).execute(this::runDue);
    }

    private record Due(long at, Runnable task) {
    }
}
