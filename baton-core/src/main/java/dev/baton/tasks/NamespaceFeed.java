package dev.baton.tasks;

import dev.baton.etcd.KeyValue;
import dev.baton.etcd.WatchEvent;
import java.util.List;

/**
 * How a member learns about its namespace: a full picture at one revision, then every change in
 * revision order, never missed and never repeated; after history is lost (compaction), a new
 * full picture. Callbacks for one feed are made one at a time, never on an I/O thread.
 */
interface NamespaceFeed extends AutoCloseable {

    interface Listener {

        /** Everything under the namespace at {@code revision}; replaces whatever came before. */
        void onReset(long revision, List<KeyValue> all);

        /** Changes after the last reset or batch, in revision order. */
        void onEvents(List<WatchEvent> events);

        /** Every change up to {@code revision} has been delivered. */
        void onProgress(long revision);
    }

    /**
     * Reads the namespace, reports it through {@link Listener#onReset} and starts following it.
     * Returns once the first picture was delivered.
     *
     * @throws java.util.concurrent.CompletionException when the first read fails
     */
    void start(Listener listener);

    /** Stops following; no callback starts after this returns. Idempotent. */
    @Override
    void close();
}
