package dev.baton.etcd;

import java.util.List;

/**
 * Receives what a {@link Watch} sees. Calls for one watch are made one at a time, in revision
 * order, on the facade's callback executor.
 */
public interface WatchListener {

    /** Changes of one or more revisions, in revision order; never empty, never repeated. */
    void onEvents(List<WatchEvent> events);

    /** Every change up to and including {@code revision} has been delivered. */
    default void onProgress(long revision) {
    }

    /**
     * The revision the watch had to resume from was compacted away, so changes may have been
     * missed. The watch has ended; reload the range and watch again from the reload's revision + 1.
     */
    void onCompacted(long compactRevision);

    /** The watch ended for a reason other than compaction or {@link Watch#close()}; it will not resume. */
    default void onFailed(Throwable cause) {
    }
}
