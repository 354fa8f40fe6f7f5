package dev.baton.tasks;

import dev.baton.etcd.KeyValue;
import dev.baton.etcd.WatchEvent;
import java.util.List;

/**
 * How a member learns about its namespace: its whole contents at a revision, then every change.
 * Changes come in revision order, never missed or repeated; when the store's history no longer
 * reaches back far enough to resume (a compaction during an outage), the whole contents come
 * again. Callbacks are made one at a time on the member's control thread, never on an I/O thread.
 */
interface NamespaceFeed extends AutoCloseable {

    interface Listener {

        /** The namespace's whole contents at {@code revision}, replacing whatever came before. */
        void onContents(long revision, List<KeyValue> contents);

        /** Changes of the namespace, in revision order. */
        void onEvents(List<WatchEvent> events);

        /** Every change up to {@code revision} has been delivered. */
        void onProgress(long revision);
    }

    /**
     * Starts following the namespace and returns once its contents at the start have been
     * delivered.
     *
     * @throws IllegalStateException when the namespace could not be read in time
     */
    void start(Listener listener);

    /** Stops following; no callback starts after this returns. Idempotent. */
    @Override
    void close();
}
