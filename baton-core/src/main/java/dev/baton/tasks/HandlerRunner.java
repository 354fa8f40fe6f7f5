package dev.baton.tasks;

import dev.baton.etcd.Threads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a member's handlers on its bounded pool of handler threads ({@code baton-task-<member>-N})
 * and reports each run's outcome: the message to apply, or null when the run ended without one
 * (it threw after a stop was requested, or was stopped before it started). A blocking handler
 * holds a thread for its whole run, so the pool has one thread per task the member runs at once;
 * a non-blocking one ({@link AsyncTaskHandler}) only starts on a thread, so a few threads serve
 * every task. At most {@code maxRunning} runs are under way at once; the others wait, in the
 * order they came, for one to end (the tasks a member claims ahead).
 */
final class HandlerRunner {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerRunner.class);
    /** The threads that start non-blocking handlers and deliver their stops. */
    static final int ASYNC_THREADS = 2;

    /**
     * One run of a handler: runs (blocking) or starts (non-blocking) it on the calling handler
     * thread, and reports its message or failure to {@code done} exactly once, from any thread.
     */
    @FunctionalInterface
    interface Body {
        void run(TaskContext context, BiConsumer<TaskMessage, Throwable> done);
    }

    /** A handler's run that blocks: returns the message that ends it. */
    @FunctionalInterface
    interface BlockingBody {
        TaskMessage run(TaskContext context) throws Exception;
    }

    /** A run waiting for one under way to end. */
    private record Waiting(RunContext context, Runnable started, Consumer<TaskMessage> outcome) {
    }

    private final String member;
    private final Body body;
    private final int maxRunning;
    private final ThreadPoolExecutor threads;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int running;
    private boolean stopped;

    HandlerRunner(String member, Body body, int threads, int maxRunning) {
        if (maxRunning < threads) {
            throw new IllegalArgumentException("maxRunning must be at least the threads, " + threads + ", is "
                    + maxRunning);
        }
        this.member = member;
        this.body = body;
        this.maxRunning = maxRunning;
        this.threads = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Threads.named("baton-task-" + member));
        this.threads.allowCoreThreadTimeOut(true);
    }

    /** A body for a handler that blocks its thread until the run ends. */
    static Body blocking(BlockingBody handler) {
        return (context, done) -> {
            TaskMessage message;
            try {
                message = handler.run(context);
            } catch (Exception | Error e) {
                done.accept(null, e);
                return;
            } finally {
                Thread.interrupted();
            }
            done.accept(message, null);
        };
    }

    /** A body for a handler that starts its work and returns a stage. */
    static Body nonBlocking(AsyncTaskHandler handler) {
        return (context, done) -> {
            CompletionStage<Void> stage;
            try {
                stage = Objects.requireNonNull(handler.start(context), "the handler returned no stage");
            } catch (RuntimeException | Error e) {
                done.accept(null, e);
                return;
            }
            stage.whenComplete((result, error) -> done.accept(error == null ? TaskMessage.complete() : null, error));
        };
    }

    /** Where stops are delivered to handlers. */
    Executor threads() {
        return threads;
    }

    /**
     * Runs {@code context}'s handler on a handler thread, once fewer than {@code maxRunning} are
     * under way: calls {@code started} on that thread just before the handler starts (not while
     * the run waits for a place), and gives its outcome to {@code outcome}: the message, or null
     * when the run ended without one (it failed after a stop was requested, was stopped while it
     * waited, or the member is shutting down).
     */
    void run(RunContext context, Runnable started, Consumer<TaskMessage> outcome) {
        synchronized (this) {
            if (!stopped && running >= maxRunning) {
                waiting.add(new Waiting(context, started, outcome));
                return;
            }
            running++;
        }
        start(context, started, outcome);
    }

    private void start(RunContext context, Runnable started, Consumer<TaskMessage> outcome) {
        try {
            threads.execute(() -> {
                started.run();
                body.run(context, (message, error) -> finished(context, outcome, message, error));
            });
        } catch (RejectedExecutionException e) {
            ended();
            outcome.accept(null);
        }
    }

    /** A handler's run reported its message or failure: frees its place and hands on the outcome. */
    private void finished(RunContext context, Consumer<TaskMessage> outcome, TaskMessage message, Throwable error) {
        ended();
        if (error == null) {
            outcome.accept(message);
        } else if (context.isStopRequested()) {
            outcome.accept(null);
        } else {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            LOG.warn("member {}: handler of task {} failed", member, Excerpt.of(context.id().value()), cause);
            outcome.accept(TaskMessage.error(cause));
        }
    }

    /**
     * A run ended: its place passes to the next waiting run; one stopped while it waited ends
     * without an outcome and the place passes on.
     */
    private void ended() {
        while (true) {
            Waiting next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    running--;
                    return;
                }
            }
            if (!next.context().isStopRequested()) {
                start(next.context(), next.started(), next.outcome());
                return;
            }
            next.outcome().accept(null);
        }
    }

    /** Ends the runs still waiting, without an outcome, and takes no more. */
    private void dropWaiting() {
        List<Waiting> dropped;
        synchronized (this) {
            stopped = true;
            dropped = new ArrayList<>(waiting);
            waiting.clear();
        }
        dropped.forEach(w -> w.outcome().accept(null));
    }

    /** Interrupts the handlers still running and takes no more. */
    void interrupt() {
        dropWaiting();
        threads.shutdownNow();
    }

    /** Stops the pool, waiting up to {@code timeout} for handlers that ignore interrupts. */
    void shutdown(Duration timeout) {
        dropWaiting();
        threads.shutdownNow();
        try {
            threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
