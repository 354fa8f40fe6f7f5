package dev.baton.tasks;

import dev.baton.etcd.Threads;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a member's handlers on its bounded pool of handler threads ({@code baton-task-<member>-N})
 * and reports each run's outcome: the message to apply, or null when the run ended without one
 * (it threw after a stop was requested). A blocking handler holds a thread for its whole run, so
 * the pool has one thread per task the member may hold; a non-blocking one
 * ({@link AsyncTaskHandler}) only starts on a thread, so a few threads serve every task.
 */
final class HandlerRunner {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerRunner.class);
    /** The threads that start non-blocking handlers and deliver their stops. */
    static final int ASYNC_THREADS = 2;

    /** One run of a handler: starts it on {@code thread} and yields its outcome. */
    @FunctionalInterface
    interface Body {
        CompletionStage<TaskMessage> start(TaskContext context, Executor thread);
    }

    private final String member;
    private final Body body;
    private final ThreadPoolExecutor threads;

    HandlerRunner(String member, Body body, int threads) {
        this.member = member;
        this.body = body;
        this.threads = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Threads.named("baton-task-" + member));
        this.threads.allowCoreThreadTimeOut(true);
    }

    /** A body for a handler that blocks its thread until the run ends. */
    static Body blocking(BlockingBody handler) {
        return (context, thread) -> CompletableFuture.supplyAsync(() -> {
            try {
                return handler.run(context);
            } catch (Exception e) {
                throw new HandlerFailure(e);
            } finally {
                Thread.interrupted();
            }
        }, thread);
    }

    /** A body for a handler that starts its work and returns a stage. */
    static Body nonBlocking(AsyncTaskHandler handler) {
        return (context, thread) -> CompletableFuture.supplyAsync(() -> handler.start(context), thread)
                .thenCompose(stage -> stage)
                .thenApply(done -> TaskMessage.complete());
    }

    /** A handler's run that blocks: returns the message that ends it. */
    @FunctionalInterface
    interface BlockingBody {
        TaskMessage run(TaskContext context) throws Exception;
    }

    /** Where stops are delivered to handlers. */
    Executor threads() {
        return threads;
    }

    /** Runs {@code context}'s handler and gives its outcome to {@code outcome}, on a handler or the handler's thread. */
    void run(RunContext context, Consumer<TaskMessage> outcome) {
        CompletionStage<TaskMessage> run;
        try {
            run = body.start(context, threads);
        } catch (RejectedExecutionException e) {
            outcome.accept(null);
            return;
        }
        run.whenComplete((message, error) -> {
            if (error == null) {
                outcome.accept(message);
                return;
            }
            Throwable cause = error;
            while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof HandlerFailure)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RejectedExecutionException || context.isStopRequested()) {
                outcome.accept(null);
            } else {
                LOG.warn("member {}: handler of task {} failed", member, Excerpt.of(context.id().value()), cause);
                outcome.accept(TaskMessage.error(cause));
            }
        });
    }

    /** Interrupts the handlers still running and takes no more. */
    void interrupt() {
        threads.shutdownNow();
    }

    /** Stops the pool, waiting up to {@code timeout} for handlers that ignore interrupts. */
    void shutdown(Duration timeout) {
        threads.shutdownNow();
        try {
            threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Carries a handler's checked exception out of the pool. */
    private static final class HandlerFailure extends RuntimeException {
        HandlerFailure(Exception cause) {
            super(cause);
        }
    }
}
