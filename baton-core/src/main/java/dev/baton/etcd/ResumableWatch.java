package dev.baton.etcd;

import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch that survives broken streams. Each stream is a jetcd watcher opened at
 * {@link #nextRevision}; when it fails, that watcher is closed at once (so jetcd's own resume,
 * which can skip or repeat revisions, never runs) and a new one is opened from the same revision
 * after a backoff. Responses of a replaced stream are recognised by their generation and dropped.
 *
 * <p>Repeats are recognised by event revision alone, never by progress: etcd before 3.4.25 and
 * 3.5.8 can answer a progress request with a revision whose events it has not sent yet
 * (etcd-io/etcd#15220), and those late events must still be delivered.
 */
final class ResumableWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(ResumableWatch.class);
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final io.etcd.jetcd.Watch client;
    private final KeyRange range;
    private final WatchListener listener;
    /** Runs deliveries one at a time, in order, off the client's threads. */
    private final Executor delivery;
    /** True when etcd is asked to leave deletes out of the stream. */
    private final boolean putsOnly;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff = new Backoff(INITIAL_BACKOFF, MAX_BACKOFF);

    private final Object lock = new Object();
    /** Where a new stream starts: one past the last delivered event or progress notification. */
    private volatile long nextRevision;
    /** The revision of the last delivered event; events at or below it are repeats of a resumed stream. */
    private long deliveredThrough;
    private io.etcd.jetcd.Watch.Watcher current;
    private int generation;
    private boolean closed;
    private boolean broken;

    ResumableWatch(io.etcd.jetcd.Watch client, KeyRange range, long fromRevision, WatchListener listener,
                   Executor delivery, boolean putsOnly, ScheduledExecutorService scheduler) {
        this.client = client;
        this.range = range;
        this.nextRevision = fromRevision;
        this.deliveredThrough = fromRevision - 1;
        this.listener = listener;
        this.delivery = delivery;
        this.putsOnly = putsOnly;
        this.scheduler = scheduler;
    }

    /**
     * Opens a stream at {@link #nextRevision}. jetcd's watch client takes its own lock and calls
     * {@link #onStreamError} under it, so this class never calls into jetcd while holding {@code lock}.
     */
    void start() {
        int streamGeneration;
        synchronized (lock) {
            if (closed) {
                return;
            }
            streamGeneration = ++generation;
        }
        // A member cut off from its cluster's leader keeps a plain watch open but silent; with
        // require-leader it ends the stream, and the watch resumes on a member that hears the leader.
        WatchOption.Builder option = WatchOption.builder()
                .withRevision(nextRevision)
                .withProgressNotify(true)
                .withRequireLeader(true)
                .withNoDelete(putsOnly);
        if (range.isPrefix()) {
            option.withRange(range.endBytes());
        }
        io.etcd.jetcd.Watch.Watcher opened;
        try {
            opened = client.watch(range.startBytes(), option.build(), io.etcd.jetcd.Watch.listener(
                    response -> deliver(() -> onResponse(streamGeneration, response)),
                    error -> onStreamError(streamGeneration, error)));
        } catch (RuntimeException e) {
            onStreamError(streamGeneration, e);
            return;
        }
        boolean stale;
        synchronized (lock) {
            stale = closed || streamGeneration != generation;
            if (!stale) {
                current = opened;
            }
        }
        if (stale) {
            opened.close();
        }
    }

    /** Runs on the jetcd thread: only bookkeeping, no user code. */
    private void onStreamError(int streamGeneration, Throwable error) {
        io.etcd.jetcd.Watch.Watcher failed;
        synchronized (lock) {
            if (closed || streamGeneration != generation) {
                return;
            }
            generation++;
            failed = current;
            current = null;
            if (error instanceof CompactedException compacted) {
                closed = true;
                long compactRevision = compacted.getCompactedRevision();
                LOG.info("watch {} cannot resume at revision {}: compacted up to {}", range, nextRevision, compactRevision);
                deliver(() -> listener.onCompacted(compactRevision));
            } else {
                if (!broken) {
                    broken = true;
                    LOG.warn("watch {} lost its stream ({}); resuming from revision {}", range, error, nextRevision);
                }
                try {
                    scheduler.schedule(this::start, backoff.next().toNanos(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    closed = true;
                    deliver(() -> listener.onFailed(new IllegalStateException("etcd connection closed", error)));
                }
            }
        }
        if (failed != null) {
            failed.close();
        }
    }

    /** Hands {@code action} to the delivery executor; once that has shut down (its owner closed), drops it. */
    private void deliver(Runnable action) {
        try {
            delivery.execute(action);
        } catch (RejectedExecutionException e) {
            LOG.debug("watch {}: news dropped, its delivery executor has shut down", range);
        }
    }

    /** Runs on the delivery executor, in stream order. */
    private void onResponse(int streamGeneration, io.etcd.jetcd.watch.WatchResponse response) {
        synchronized (lock) {
            if (closed || streamGeneration != generation) {
                return;
            }
            backoff.reset();
            if (broken) {
                broken = false;
                LOG.info("watch {} resumed at revision {}", range, nextRevision);
            }
        }
        List<WatchEvent> events = new ArrayList<>(response.getEvents().size());
        for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
            KeyValue kv = KeyValue.of(event.getKeyValue());
            if (kv.modRevision() <= deliveredThrough) {
                continue;
            }
            WatchEvent.Type type = event.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE
                    ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT;
            events.add(new WatchEvent(type, kv));
        }
        if (!events.isEmpty()) {
            deliveredThrough = events.get(events.size() - 1).modRevision();
            nextRevision = Math.max(nextRevision, deliveredThrough + 1);
            listener.onEvents(List.copyOf(events));
        } else if (response.getEvents().isEmpty()) {
            long revision = response.getHeader().getRevision();
            if (revision >= nextRevision) {
                nextRevision = revision + 1;
            }
            listener.onProgress(nextRevision - 1);
        }
    }

    @Override
    public long nextRevision() {
        return nextRevision;
    }

    @Override
    public void requestProgress() {
        io.etcd.jetcd.Watch.Watcher stream;
        synchronized (lock) {
            stream = current;
        }
        if (stream != null) {
            stream.requestProgress();
        }
    }

    @Override
    public void close() {
        io.etcd.jetcd.Watch.Watcher stream;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            stream = current;
            current = null;
        }
        if (stream != null) {
            stream.close();
        }
    }
}
