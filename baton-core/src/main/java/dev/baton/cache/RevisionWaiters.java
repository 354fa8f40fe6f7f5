package dev.baton.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** Futures waiting for the cache to reach a revision, completed in revision order. Not thread-safe. */
final class RevisionWaiters {
    private final TreeMap<Long, List<CompletableFuture<Long>>> waiting = new TreeMap<>();

    void add(long revision, CompletableFuture<Long> future) {
        waiting.computeIfAbsent(revision, r -> new ArrayList<>()).add(future);
    }

    /** Completes, with {@code revision}, every future waiting for {@code revision} or earlier. */
    void reached(long revision) {
        Map<Long, List<CompletableFuture<Long>>> due = waiting.headMap(revision, true);
        due.values().forEach(futures -> futures.forEach(future -> future.complete(revision)));
        due.clear();
    }

    /** Drops futures that were completed or cancelled by their owners. */
    void prune() {
        waiting.values().removeIf(futures -> {
            futures.removeIf(CompletableFuture::isDone);
            return futures.isEmpty();
        });
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    void failAll(RuntimeException cause) {
        waiting.values().forEach(futures -> futures.forEach(future -> future.completeExceptionally(cause)));
        waiting.clear();
    }
}
