package dev.baton.bench.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts claims in a namespace from a revision on: owner keys created ({@code <ns>tasks/<id>/owner}
 * put at version 1). While the set of tasks does not change, every claim is a task that moved.
 */
final class ClaimCounter implements AutoCloseable {
    private final AtomicInteger claims = new AtomicInteger();
    private final Watch watch;

    /** Starts counting after the store's current revision. */
    ClaimCounter(Etcd etcd, String namespace) {
        long now = etcd.range(KeyRange.key(namespace)).join().revision();
        this.watch = etcd.watchPuts(KeyRange.prefix(namespace + "tasks/"), now + 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                for (WatchEvent event : events) {
                    if (event.kv().version() == 1
                            && event.key().endsWith("/owner")) {
                        claims.incrementAndGet();
                    }
                }
            }

            @Override
            public void onCompacted(long compactRevision) {
                throw new IllegalStateException("history compacted while counting claims");
            }
        });
    }

    int count() {
        return claims.get();
    }

    @Override
    public void close() {
        watch.close();
    }
}
