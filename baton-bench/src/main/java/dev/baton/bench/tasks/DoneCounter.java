package dev.baton.bench.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts retired tasks in a namespace from a revision on: done records created
 * ({@code <ns>tasks/<id>/done} put at version 1), and when the latest was seen.
 */
final class DoneCounter implements AutoCloseable {
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicLong lastNanos = new AtomicLong();
    private final Watch watch;

    /** Starts counting after the store's current revision. */
    DoneCounter(Etcd etcd, String namespace) {
        long now = etcd.range(KeyRange.key(namespace)).join().revision();
        this.watch = etcd.watchPuts(KeyRange.prefix(namespace + "tasks/"), now + 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                int retired = 0;
                for (WatchEvent event : events) {
                    if (event.kv().version() == 1
                            && event.key().endsWith("/done")) {
                        retired++;
                    }
                }
                if (retired > 0) {
                    lastNanos.set(System.nanoTime());
                    done.addAndGet(retired);
                }
            }

            @Override
            public void onCompacted(long compactRevision) {
                throw new IllegalStateException("history compacted while counting retired tasks");
            }
        });
    }

    int count() {
        return done.get();
    }

    /** When the latest done record was seen ({@link System#nanoTime()}); 0 before the first. */
    long lastNanos() {
        return lastNanos.get();
    }

    @Override
    public void close() {
        watch.close();
    }
}
