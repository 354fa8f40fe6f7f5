package dev.baton.server.watch;

import com.google.protobuf.ByteString;
import dev.baton.server.store.KeyRange;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The watches of one client stream, with etcd's watch-ID rules: ID 0 asks the server to choose
 * (the lowest free ID, counting up from 0), a chosen ID must be free on the stream.
 */
public final class WatchStream {
    /** The wire tag of {@code WatchCreateRequest.watch_id}, which the generated classes lack. */
    private static final int WATCH_ID_FIELD = 7;

    final WatchHub hub;
    final WatchSink sink;
    /** Guarded by the hub's lock. */
    final Map<Long, Watcher> watchers = new HashMap<>();
    /** Guarded by the hub's lock. */
    private long nextAutoId;
    /** Guarded by the hub's lock: a progress request waits for the stream's watchers to sync. */
    boolean progressRequested;
    /** Guarded by the hub's lock. */
    boolean closed;

    WatchStream(WatchHub hub, WatchSink sink) {
        this.hub = hub;
        this.sink = sink;
    }

    /** Creates a watch; the created (or refused) response is queued before any of its events. */
    public void create(WatchCreateRequest r) {
        ByteString key = r.getKey().isEmpty() ? ByteString.copyFrom(new byte[] {0}) : r.getKey();
        KeyRange range = KeyRange.of(key, r.getRangeEnd());
        boolean noPut = false;
        boolean noDelete = false;
        for (WatchCreateRequest.FilterType filter : r.getFiltersList()) {
            noPut |= filter == WatchCreateRequest.FilterType.NOPUT;
            noDelete |= filter == WatchCreateRequest.FilterType.NODELETE;
        }
        hub.create(this, requestedId(r), range, r.getStartRevision(), r.getPrevKv(), noPut, noDelete,
                r.getProgressNotify());
    }

    private static long requestedId(WatchCreateRequest r) {
        List<Long> ids = r.getUnknownFields().getField(WATCH_ID_FIELD).getVarintList();
        return ids.isEmpty() ? 0 : ids.get(ids.size() - 1);
    }

    /** Answers a create request with a refusal (created and cancelled at once, watch ID -1) giving {@code reason}. */
    public void refuse(String reason) {
        hub.refuse(this, reason);
    }

    /** Cancels a watch; an unknown ID is ignored, as etcd does. */
    public void cancel(long watchId) {
        hub.cancel(this, watchId);
    }

    /**
     * Asks for a progress response (watch ID -1, the published revision), sent once every watcher
     * of the stream has received everything up to that revision.
     */
    public void requestProgress() {
        hub.requestProgress(this);
    }

    /** Ends every watch of the stream. Idempotent. */
    public void close() {
        hub.close(this);
    }

    /** Allocates an ID under the hub's lock; returns -1 when a chosen ID is taken. */
    long allocateId(long requested) {
        if (requested != 0) {
            return watchers.containsKey(requested) ? -1 : requested;
        }
        while (watchers.containsKey(nextAutoId)) {
            nextAutoId++;
        }
        return nextAutoId++;
    }

    boolean allSynced() {
        for (Watcher w : watchers.values()) {
            if (!w.finished && !w.synced) {
                return false;
            }
        }
        return true;
    }

    static WatchResponse.Builder response(long watchId) {
        return WatchResponse.newBuilder().setWatchId(watchId);
    }
}
