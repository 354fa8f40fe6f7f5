package dev.baton.server.watch;

import io.etcd.jetcd.api.WatchResponse;

/** The outbound side of one watch stream. Responses leave in the order they are queued. */
public interface WatchSink {
    /**
     * Queues a response carrying events or progress; false when the stream's buffer is full, in
     * which case nothing was queued.
     */
    boolean offer(WatchResponse response);

    /** Queues a control response (created, cancelled, compacted); always accepted. */
    void send(WatchResponse response);
}
