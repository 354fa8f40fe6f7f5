package dev.baton.tasks;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Bounds the writes a member has in flight and queues the rest in order, so a burst (a
 * rebalance releasing hundreds of tasks at once, a wave of completions) reaches the store as a
 * steady stream. A wave of thousands would make etcd's apply fall behind, and every session's
 * keep-alive waits for the apply to catch up. Used from the member's control thread only.
 */
final class WriteWindow {

    private final int limit;
    private final Executor control;
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private int inFlight;

    WriteWindow(int limit, Executor control) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, is " + limit);
        }
        this.limit = limit;
        this.control = control;
    }

    /**
     * Sends {@code write} once fewer than the limit are in flight. The returned future completes
     * as the write does, on the control thread.
     */
    <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> write) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        waiting.add(() -> {
            inFlight++;
            CompletableFuture<T> sent;
            try {
                sent = write.get();
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenCompleteAsync((result, error) -> {
                inFlight--;
                startWaiting();
                if (error == null) {
                    outcome.complete(result);
                } else {
                    outcome.completeExceptionally(error);
                }
            }, control);
        });
        startWaiting();
        return outcome;
    }

    private void startWaiting() {
        while (inFlight < limit && !waiting.isEmpty()) {
            waiting.poll().run();
        }
    }
}
