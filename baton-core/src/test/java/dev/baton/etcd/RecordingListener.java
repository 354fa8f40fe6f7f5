package dev.baton.etcd;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Records what a watch delivers, and on which threads. */
final class RecordingListener implements WatchListener {
    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final AtomicLong compactedAt = new AtomicLong();
    final AtomicLong progress = new AtomicLong();

    @Override
    public void onEvents(List<WatchEvent> batch) {
        threads.add(Thread.currentThread().getName());
        events.addAll(batch);
    }

    @Override
    public void onProgress(long revision) {
        progress.set(revision);
    }

    @Override
    public void onCompacted(long compactRevision) {
        compactedAt.set(compactRevision);
    }

    List<Long> revisions() {
        return events.stream().map(WatchEvent::modRevision).toList();
    }
}
