package dev.baton.tasks;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NamespaceFeed} straight from one watch of the namespace: a range read, then a
 * {@link Watch} from the next revision, whose events go to the member's table as they come,
 * with nothing cached in between (the table keeps only what the member decides by). When the
 * watch cannot resume (its revision was compacted) or fails, the namespace is read again and its
 * contents delivered whole, and a new watch starts after that read (rule 5 of
 * {@code docs/architecture.md}). Everything reaches the listener on the member's control thread,
 * onto which the watch delivers straight.
 */
final class NamespaceWatch implements NamespaceFeed {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceWatch.class);

    private final Etcd etcd;
    private final KeyRange range;
    private final ScheduledExecutorService control;
    private final Duration startTimeout;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    private Listener listener;
    private volatile Watch watch;
    private volatile boolean closed;

    NamespaceWatch(Etcd etcd, String namespace, ScheduledExecutorService control, Duration startTimeout) {
        this.etcd = etcd;
        this.range = KeyRange.prefix(namespace);
        this.control = control;
        this.startTimeout = startTimeout;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        CompletableFuture<Void> delivered = new CompletableFuture<>();
        etcd.range(range).whenCompleteAsync((read, error) -> {
            if (error != null) {
                delivered.completeExceptionally(error);
                return;
            }
            deliver(read);
            delivered.complete(null);
        }, control);
        try {
            delivered.get(startTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IllegalStateException("the contents of " + range + " were not delivered within " + startTimeout,
                    e);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + range, e);
        }
    }

    /** Hands the contents of a read to the listener and watches from the next revision; on the control thread. */
    private void deliver(RangeResult read) {
        if (closed) {
            return;
        }
        listener.onContents(read.revision(), read.kvs());
        watch = etcd.watch(range, read.revision() + 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                if (!closed) {
                    listener.onEvents(events);
                }
            }

            @Override
            public void onProgress(long revision) {
                if (!closed) {
                    listener.onProgress(revision);
                }
            }

            @Override
            public void onCompacted(long compactRevision) {
                LOG.info("the history of {} was compacted at revision {} before it was read; reading it again",
                        range, compactRevision);
                reload();
            }

            @Override
            public void onFailed(Throwable cause) {
                LOG.warn("the watch of {} failed ({}); reading it again", range, Etcd.unwrap(cause).toString());
                reload();
            }
        }, control);
        if (closed) {
            watch.close();
        }
    }

    private void reload() {
        if (closed) {
            return;
        }
        etcd.range(range).whenCompleteAsync((read, error) -> {
            if (error == null) {
                backoff.reset();
                deliver(read);
                return;
            }
            try {
                control.schedule(this::reload, backoff.next().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopped) {
                LOG.debug("stopped reading {}: the member is closed", range);
            }
        }, control);
    }

    @Override
    public void close() {
        closed = true;
        Watch current = watch;
        if (current != null) {
            current.close();
        }
    }
}
