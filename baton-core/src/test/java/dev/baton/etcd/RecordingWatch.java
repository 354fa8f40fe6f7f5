package dev.baton.etcd;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A watch that remembers the monotonic instant its first event arrived; for tests in other packages. */
public final class RecordingWatch implements AutoCloseable {
    private final AtomicLong firstEventNanos = new AtomicLong();
    private final Watch watch;

    private RecordingWatch(Etcd etcd, KeyRange range, long fromRevision) {
        this.watch = etcd.watch(range, fromRevision, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                firstEventNanos.compareAndSet(0, System.nanoTime());
            }

            @Override
            public void onCompacted(long compactRevision) {
            }
        });
    }

    public static RecordingWatch start(Etcd etcd, KeyRange range, long fromRevision) {
        return new RecordingWatch(etcd, range, fromRevision);
    }

    /** 0 until an event arrived. */
    public long firstEventNanos() {
        return firstEventNanos.get();
    }

    @Override
    public void close() {
        watch.close();
    }
}
