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
import java.util.concurrent.CountDownLatch;
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
 * <p>A journal failure (a full disk) is survived. The writes of the failed batch fail with
 * {@link StoreUnavailableException} and are taken back, in the store and in the journal, which
 * cuts its log back to the end of the last durable record: none of them is ever visible, not
 * after space returns and not after a restart. Until the journal can grow again, every write is
 * refused at once with the same error while reads go on; the writer checks with backoff
 * ({@value #FIRST_RETRY_MILLIS} ms doubling up to {@value #MAX_RETRY_MILLIS} ms) and takes writes
 * again as soon as it can. Two log lines: one when the log fails, one when it works again.
 */
final class CommitPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommitPipeline.class);
    private static final int MAX_BATCH = 512;
    static final long FIRST_RETRY_MILLIS = 100;
    static final long MAX_RETRY_MILLIS = 5_000;

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
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running = true;
    /** Why the journal cannot be written, while it cannot; writes are refused meanwhile. */
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
     * {@link StoreUnavailableException}: the server is closing or its journal failed, and the
     * write is not applied (only a crash between the failed journal write and the journal's cut
     * can leave a record of it to be replayed, so a client treats its outcome as unknown).
     */
    <R> CompletableFuture<R> submit(Function<StoreState, R> write) {
        CompletableFuture<R> reply = new CompletableFuture<>();
        Throwable failed = failure;
        if (failed != null || !running) {
            reply.completeExceptionally(unavailable(failed));
            return reply;
        }
        queue.add(new Pending<>(write, reply));
        failed = failure;
        if (!running || failed != null) {
            failQueued(failed);
        }
        return reply;
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>();
        List<Runnable> completions = new ArrayList<>();
        List<KeyRevision> changes = new ArrayList<>();
        while (running) {
            try {
                if (failure != null) {
                    awaitWritableJournal();
                    continue;
                }
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
                failBatch(batch, e);
            } finally {
                batch.clear();
                completions.clear();
                changes.clear();
            }
        }
        failQueued(failure);
    }

    /**
     * Takes back the writes of a batch the journal could not make durable, fails them and every
     * queued write, and refuses writes until {@link #awaitWritableJournal()} finds the journal
     * writable again.
     */
    private void failBatch(List<Pending<?>> batch, Exception e) {
        state.rollBack();
        failure = e;
        log.error("the write-ahead log failed ({}); writes are refused until it can be written again, reads go on",
                e.toString());
        StoreUnavailableException refusal = unavailable(e);
        for (Pending<?> p : batch) {
            p.reply().completeExceptionally(refusal);
        }
        failQueued(e);
    }

    /** Retries the journal with backoff until it can be written again or the pipeline closes. */
    private void awaitWritableJournal() throws InterruptedException {
        long failedAt = System.nanoTime();
        long delay = FIRST_RETRY_MILLIS;
        while (running) {
            try {
                journal.discardUnsynced();
                failure = null;
                log.info("the write-ahead log can be written again after {} ms; writes are taken again",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failedAt));
                return;
            } catch (IOException | RuntimeException e) {
                failure = e;
                failQueued(e);
            }
            if (stopping.await(delay, TimeUnit.MILLISECONDS)) {
                return;
            }
            delay = Math.min(delay * 2, MAX_RETRY_MILLIS);
        }
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

    /** Refuses every queued write, for {@code cause} (null: the pipeline is closing). */
    private void failQueued(Throwable cause) {
        Pending<?> p;
        while ((p = queue.poll()) != null) {
            p.reply().completeExceptionally(unavailable(cause));
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
        stopping.countDown();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued(failure);
    }
}
