package dev.baton.server;

import dev.baton.server.store.Effect;
import dev.baton.server.store.EtcdError;
import dev.baton.server.store.KeyRevision;
import dev.baton.server.store.StoreState;
import dev.baton.server.wal.Journal;
import dev.baton.server.watch.WatchHub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer: applies writes to the store in arrival order and acknowledges them only
 * once durable.
 *
 * <p>Group commit: the writer takes every write waiting in the queue (up to a batch limit),
 * applies each to the state machine, appends its effects to the journal, then syncs the
 * journal once for the whole batch. Only then does it publish the new revision to readers,
 * hand the changes to the watch hub, and complete the writes' futures. So a reader, a watcher
 * or a client never sees a write that a crash could still lose, and a batch of concurrent
 * writes costs one fsync.
 *
 * <p>A journal failure is fatal: the writes of that batch and all later ones fail with
 * {@link StoreUnavailableException}, since what is on disk is no longer known.
 */
final class CommitPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommitPipeline.class);
    private static final int MAX_BATCH = 512;

    private record Pending<R>(Function<StoreState, R> write, CompletableFuture<R> reply) {
        void apply(StoreState state, List<Runnable> completions) {
            try {
                R result = write.apply(state);
                completions.add(() -> reply.complete(result));
            } catch (EtcdError e) {
                completions.add(() -> reply.completeExceptionally(e));
            } catch (RuntimeException e) {
                log.error("write failed unexpectedly", e);
                completions.add(() -> reply.completeExceptionally(e));
            }
        }
    }

    private final StoreState state;
    private final Journal journal;
    private final WatchHub watchHub;
    private final LatencyHistogram syncLatency;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /** @param syncLatency where the time each batch takes to become durable is recorded */
    CommitPipeline(StoreState state, Journal journal, WatchHub watchHub, LatencyHistogram syncLatency) {
        this.state = state;
        this.journal = journal;
        this.watchHub = watchHub;
        this.syncLatency = syncLatency;
        this.writer = new Thread(this::run, "baton-store-writer");
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    /**
     * Queues a write. The future completes after the write is durable and visible, or
     * exceptionally with its {@link EtcdError} (nothing applied) or
     * {@link StoreUnavailableException}.
     */
    <R> CompletableFuture<R> submit(Function<StoreState, R> write) {
        CompletableFuture<R> reply = new CompletableFuture<>();
        Throwable failed = failure;
        if (failed != null || !running) {
            reply.completeExceptionally(unavailable(failed));
            return reply;
        }
        queue.add(new Pending<>(write, reply));
        if (!running) {
            failQueued();
        }
        return reply;
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>();
        List<Runnable> completions = new ArrayList<>();
        List<KeyRevision> changes = new ArrayList<>();
        while (running) {
            try {
                Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch, completions, changes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException | RuntimeException e) {
                failure = e;
                running = false;
                log.error("the write-ahead log failed; the server accepts no more writes", e);
                for (Pending<?> p : batch) {
                    p.reply().completeExceptionally(unavailable(e));
                }
            } finally {
                batch.clear();
                completions.clear();
                changes.clear();
            }
        }
        failQueued();
    }

    private void commit(List<Pending<?>> batch, List<Runnable> completions, List<KeyRevision> changes)
            throws IOException {
        for (Pending<?> p : batch) {
            p.apply(state, completions);
            List<Effect> effects = state.takeEffects();
            if (!effects.isEmpty()) {
                journal.append(effects);
                for (Effect e : effects) {
                    if (e instanceof Effect.KeyChanged changed) {
                        changes.add(changed.change());
                    }
                }
            }
        }
        long syncStart = System.nanoTime();
        journal.sync();
        syncLatency.observe(System.nanoTime() - syncStart);
        state.publish();
        watchHub.publish(changes, state.publishedRevision());
        for (Runnable completion : completions) {
            completion.run();
        }
        if (journal.snapshotDue()) {
            try {
                journal.snapshot(state);
            } catch (IOException e) {
                log.warn("writing a snapshot failed; the log stays complete and keeps growing until the next"
                        + " attempt", e);
            }
        }
    }

    private void failQueued() {
        Pending<?> p;
        while ((p = queue.poll()) != null) {
            p.reply().completeExceptionally(unavailable(failure));
        }
    }

    private static StoreUnavailableException unavailable(Throwable cause) {
        return cause == null
                ? new StoreUnavailableException("the server is shutting down", null)
                : new StoreUnavailableException("the write-ahead log failed: " + cause.getMessage(), cause);
    }

    /** Stops taking writes, finishes the batch in progress and fails what is still queued. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued();
    }
}
