package dev.baton.tasks;

import dev.baton.etcd.Threads;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A member's control thread ({@code baton-tasks-<member>}): the one thread that makes the
 * member's decisions and store requests. Once shut down it drops what it is given: actions report
 * that they will never run instead of throwing, and delayed actions already queued are discarded.
 */
final class ControlThread {

    /** An answer from the control thread that did not come. */
    static final class NoAnswerException extends Exception {
        private NoAnswerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ScheduledThreadPoolExecutor executor;

    ControlThread(String member) {
        executor = new ScheduledThreadPoolExecutor(1, Threads.named("baton-tasks-" + member));
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    /** The thread as an executor, for the parts that schedule on it themselves. */
    ScheduledExecutorService executor() {
        return executor;
    }

    /** Runs {@code action} on the thread; false when it is shut down and the action will never run. */
    boolean execute(Runnable action) {
        try {
            executor.execute(action);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs {@code action} on the thread after {@code delayNanos}; null when it is shut down. */
    ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
        try {
            return executor.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * What {@code question} answers on the thread, waiting up to {@code timeout}; {@code whenShutDown}
     * when the thread is shut down.
     */
    <T> T ask(Supplier<T> question, Duration timeout, T whenShutDown) throws NoAnswerException {
        try {
            return CompletableFuture.supplyAsync(question, executor).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return whenShutDown;
        } catch (ExecutionException | TimeoutException e) {
            throw new NoAnswerException("no answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoAnswerException("interrupted while waiting for an answer", e);
        }
    }

    /** Stops the thread after what it is running, waiting up to {@code timeout} before interrupting it. */
    void shutdown(Duration timeout) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
