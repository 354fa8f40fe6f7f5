package dev.baton.tasks;

import dev.baton.etcd.WatchEvent;
import java.util.List;

/**
 * How a member learns about its namespace: first its whole contents as PUT events, then every
 * change. Each key's changes come in revision order, never missed or repeated; changes of
 * different keys may be coalesced and reordered. Callbacks are made one at a time on the member's
 * control thread, never on an I/O thread.
 */
interface NamespaceFeed extends AutoCloseable {

    interface Listener {

        /** Changes of the namespace; a key's PUT carries its current value and metadata. */
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
