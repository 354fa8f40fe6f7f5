package dev.baton.tasks;

import dev.baton.etcd.Guard;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** The {@link TaskContext} of one run of a handler. */
final class RunContext implements TaskContext {

    private final TaskRun run;
    private final TaskState state;
    private final Guard fence;
    private final Executor handlerThreads;
    /** Created when a handler first asks for it, so a run that never does costs nothing for it. */
    private CompletableFuture<StopReason> stop;
    private volatile StopReason stopReason;
    private volatile TaskResult result;

    RunContext(TaskRun run, TaskState state, Guard fence, Executor handlerThreads) {
        this.run = run;
        this.handlerThreads = handlerThreads;
        this.state = state;
        this.fence = fence;
    }

    @Override
    public TaskId id() {
        return run.id();
    }

    @Override
    public TaskProperties properties() {
        return run.spec().properties();
    }

    @Override
    public TaskState state() {
        return state;
    }

    @Override
    public String member() {
        return run.member();
    }

    @Override
    public long claimToken() {
        return run.token();
    }

    @Override
    public Guard fence() {
        return fence;
    }

    @Override
    public boolean isStopRequested() {
        return stopReason != null;
    }

    @Override
    public Optional<StopReason> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    @Override
    public void throwIfStopRequested() {
        StopReason reason = stopReason;
        if (reason != null) {
            throw new TaskStoppedException(run.id(), reason);
        }
    }

    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            for (long left = timeout.toNanos(); stopReason == null && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return stopReason != null;
        }
    }

    @Override
    public synchronized CompletionStage<StopReason> whenStopRequested() {
        if (stop == null) {
            stop = stopReason == null ? new CompletableFuture<>() : CompletableFuture.completedFuture(stopReason);
        }
        return stop.minimalCompletionStage();
    }

    @Override
    public void result(TaskResult result) {
        this.result = Objects.requireNonNull(result, "result");
    }

    /** The result the handler set, if any. */
    Optional<TaskResult> handlerResult() {
        return Optional.ofNullable(result);
    }

    @Override
    public void checkpoint(String checkpoint) {
        TaskMessage message = TaskMessage.checkpoint(checkpoint);
        try {
            run.checkpoint(this, message).get();
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing a checkpoint of task "
                    + Excerpt.of(run.id().value()) + "; it may have been stored", e);
        }
    }

    /** Asks the run to end; the first reason wins. */
    void requestStop(StopReason reason) {
        CompletableFuture<StopReason> waiting;
        synchronized (this) {
            if (stopReason != null) {
                return;
            }
            stopReason = reason;
            notifyAll();
            waiting = stop;
        }
        if (waiting != null) {
            try {
                handlerThreads.execute(() -> waiting.complete(reason));
            } catch (RejectedExecutionException e) {
                waiting.complete(reason);
            }
        }
    }
}
