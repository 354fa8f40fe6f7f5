package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the claims given up in a namespace from a revision on: owner keys deleted while their
 * task stays live (a retire deletes the owner too, and is not counted as a move).
 */
final class OwnerMoves implements AutoCloseable {

    private final AtomicInteger releases = new AtomicInteger();
    private final Watch watch;

    private OwnerMoves(Etcd etcd, String namespace, long fromRevision) {
        String tasks = namespace + "tasks/";
        this.watch = etcd.watch(KeyRange.prefix(tasks), fromRevision, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                for (int i = 0; i < events.size(); i++) {
                    WatchEvent event = events.get(i);
                    if (event.type() == WatchEvent.Type.DELETE && event.key().endsWith("/owner")
                            && !retiredAlongside(events, event)) {
                        releases.incrementAndGet();
                    }
                }
            }

            @Override
            public void onCompacted(long compactRevision) {
                throw new IllegalStateException("history compacted while counting moves");
            }
        });
    }

    /** Starts counting after the current revision. */
    static OwnerMoves from(Etcd etcd, String namespace) {
        long now = etcd.range(KeyRange.key(namespace)).join().revision();
        return new OwnerMoves(etcd, namespace, now + 1);
    }

    private static boolean retiredAlongside(List<WatchEvent> events, WatchEvent ownerDelete) {
        String done = ownerDelete.key().substring(0, ownerDelete.key().length() - "owner".length()) + "done";
        return events.stream().anyMatch(e -> e.modRevision() == ownerDelete.modRevision() && e.key().equals(done));
    }

    int count() {
        return releases.get();
    }

    @Override
    public void close() {
        watch.close();
    }
}
