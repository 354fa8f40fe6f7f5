package dev.baton.chaos.workload;

import dev.baton.chaos.history.StoreEvent;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Records every change under a prefix from revision 1, through the facade's resumable watch.
 * Compaction must stay behind {@link #nextRevision()}; a compaction that overtakes the recorder
 * ends the history, which {@link #complete()} then reports. A delete carries the lease and create
 * revision of the key it deleted, from the recorder's own view.
 */
public final class StoreRecorder implements AutoCloseable {

    private final List<StoreEvent> events = new ArrayList<>();
    private final Map<String, StoreEvent> live = new HashMap<>();
    private final Etcd etcd;
    private final String prefix;
    private final Watch watch;
    private volatile boolean complete = true;

    private StoreRecorder(Etcd etcd, String prefix) {
        this.etcd = etcd;
        this.prefix = prefix;
        this.watch = etcd.watch(KeyRange.prefix(prefix), 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> changes) {
                record(changes);
            }

            @Override
            public void onCompacted(long compactRevision) {
                complete = false;
            }

            @Override
            public void onFailed(Throwable cause) {
                complete = false;
            }
        });
    }

    public static StoreRecorder start(Etcd etcd, String prefix) {
        return new StoreRecorder(etcd, prefix);
    }

    private synchronized void record(List<WatchEvent> changes) {
        for (WatchEvent change : changes) {
            KeyValue kv = change.kv();
            StoreEvent event;
            if (change.type() == WatchEvent.Type.PUT) {
                event = new StoreEvent(kv.modRevision(), StoreEvent.Type.PUT, kv.key(), kv.valueUtf8(),
                        kv.createRevision(), kv.lease());
                live.put(kv.key(), event);
            } else {
                StoreEvent deleted = live.remove(kv.key());
                event = new StoreEvent(kv.modRevision(), StoreEvent.Type.DELETE, kv.key(), "",
                        deleted == null ? 0 : deleted.createRevision(), deleted == null ? 0 : deleted.lease());
            }
            events.add(event);
        }
    }

    /** The first revision not yet delivered: compacting below it is safe for this recorder. */
    public long nextRevision() {
        return watch.nextRevision();
    }

    /**
     * Waits until every key under the prefix that the store holds now has been recorded as it
     * stands: a watch tells its position only with events, so the newest change among the live keys
     * is what it must have passed. (A key deleted since it was put is not looked for.) False when
     * that did not happen within {@code timeout}.
     */
    public boolean awaitCaughtUp(Duration timeout) throws Exception {
        long newest = etcd.range(KeyRange.prefix(prefix)).get(timeout.toMillis(), TimeUnit.MILLISECONDS).kvs().stream()
                .mapToLong(KeyValue::modRevision).max().orElse(0);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (watch.nextRevision() <= newest) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The keys recorded as put and not deleted since. */
    public synchronized List<String> liveKeys() {
        return List.copyOf(live.keySet());
    }

    /** False when the watch ended (compacted or failed) and the history has a hole. */
    public boolean complete() {
        return complete;
    }

    public synchronized List<StoreEvent> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        watch.close();
    }
}
