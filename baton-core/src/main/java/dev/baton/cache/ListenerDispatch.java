package dev.baton.cache;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one listener from its {@link PendingChanges} on an executor, one event at a time. The cache
 * only ever adds to the queue, so a slow or blocked listener never holds up the watch; at most one
 * drain task runs at a time, and it yields its thread after a batch so a shared executor stays fair.
 */
final class ListenerDispatch<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerDispatch.class);
    private static final int BATCH = 256;

    final CacheListener<T> listener;
    private final Executor executor;
    private final String prefix;
    private final PendingChanges<T> pending = new PendingChanges<>();
    private boolean scheduled;
    private boolean closed;

    ListenerDispatch(CacheListener<T> listener, Executor executor, String prefix) {
        this.listener = listener;
        this.executor = executor;
        this.prefix = prefix;
    }

    /** Queues changes and, when {@code resyncRevision} is positive, a RESYNCED marker at that revision behind them; then schedules delivery. */
    void offer(List<KeyChange<T>> changes, long resyncRevision) {
        synchronized (this) {
            if (closed) {
                return;
            }
            changes.forEach(pending::add);
            if (resyncRevision > 0) {
                pending.resynced(resyncRevision);
            }
            if (scheduled || pending.isEmpty()) {
                return;
            }
            scheduled = true;
        }
        submit();
    }

    synchronized int pending() {
        return pending.size();
    }

    /** Drops what waits and delivers nothing more; an event being delivered now completes. */
    synchronized void close() {
        closed = true;
        pending.clear();
    }

    private void submit() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            LOG.warn("cache {}: listener executor refused delivery; listener {} receives no more events", prefix, listener);
            close();
        }
    }

    private void drain() {
        for (int delivered = 0; delivered < BATCH; delivered++) {
            CacheEvent<T> event;
            synchronized (this) {
                event = closed ? null : pending.poll();
                if (event == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("cache {}: listener failed on {} {} at revision {}", prefix, event.kind(), event.key(),
                        event.modRevision(), e);
            }
        }
        submit();
    }
}
