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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NamespaceFeed} read straight through the facade: one range read, then one watch from
 * the read's revision + 1. When the watch reports compaction or fails, the namespace is read
 * again (retried with backoff) and reported as a new picture.
 */
final class WatchedNamespace implements NamespaceFeed {

    private static final Logger LOG = LoggerFactory.getLogger(WatchedNamespace.class);

    private final Etcd etcd;
    private final KeyRange range;
    private final ScheduledExecutorService retries;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    private Listener listener;
    private Watch watch;
    private boolean closed;
    private boolean failing;

    WatchedNamespace(Etcd etcd, String namespace, ScheduledExecutorService retries) {
        this.etcd = etcd;
        this.range = KeyRange.prefix(namespace);
        this.retries = retries;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        RangeResult first = etcd.range(range).join();
        follow(first);
    }

    private void follow(RangeResult read) {
        synchronized (this) {
            if (closed) {
                return;
            }
            listener.onReset(read.revision(), read.kvs());
            watch = etcd.watch(range, read.revision() + 1, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                    listener.onEvents(events);
                }

                @Override
                public void onProgress(long revision) {
                    listener.onProgress(revision);
                }

                @Override
                public void onCompacted(long compactRevision) {
                    LOG.info("history of {} compacted up to revision {}; reading it again", range, compactRevision);
                    reload();
                }

                @Override
                public void onFailed(Throwable cause) {
                    LOG.warn("watch on {} failed ({}); reading it again", range, cause.toString());
                    reload();
                }
            });
        }
    }

    private void reload() {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (watch != null) {
                watch.close();
                watch = null;
            }
        }
        etcd.range(range).whenComplete((read, error) -> {
            if (error == null) {
                if (failing) {
                    failing = false;
                    LOG.info("read {} again at revision {}", range, read.revision());
                }
                backoff.reset();
                follow(read);
                return;
            }
            if (!failing) {
                failing = true;
                LOG.warn("cannot read {} ({}); retrying with backoff", range, Etcd.unwrap(error).toString());
            }
            synchronized (this) {
                if (!closed) {
                    retries.schedule(this::reload, backoff.next().toNanos(), TimeUnit.NANOSECONDS);
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }
}
