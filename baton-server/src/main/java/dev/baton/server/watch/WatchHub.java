package dev.baton.server.watch;

import com.google.protobuf.ByteString;
import dev.baton.server.store.KeyRange;
import dev.baton.server.store.KeyRevision;
import dev.baton.server.store.MvccStore;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Every watcher of the server, and the two delivery paths described in the package
 * documentation. {@link #publish} is called by the writer after each durable batch;
 * {@link #catchUp()} and {@link #progressTick()} by the server's watch thread.
 */
public final class WatchHub {
    /** Catch-up responses cover at most this many revisions, as etcd's do. */
    static final int MAX_REVISIONS_PER_RESPONSE = 1000;
    /** ... and stop growing past this many bytes, so clients' message limits hold. */
    static final int MAX_BYTES_PER_RESPONSE = 1 << 20;

    private final MvccStore store;
    private final LongFunction<ResponseHeader> headers;
    private final Runnable syncRequested;
    private final Object lock = new Object();
    /** Synced single-key watchers by key. */
    private final Map<ByteString, Set<Watcher>> syncedByKey = new HashMap<>();
    /** Synced watchers of ranges. */
    private final Set<Watcher> syncedRanges = new LinkedHashSet<>();
    private final Set<Watcher> unsynced = new LinkedHashSet<>();
    private long publishedRevision;

    /**
     * @param store the store whose change log unsynced watchers catch up from
     * @param publishedRevision the revision already visible when the hub starts
     * @param headers builds a response header for a revision
     * @param syncRequested called (without locks held) when a watcher needs catching up soon;
     *     it should arrange a call of {@link #catchUp()}
     */
    public WatchHub(MvccStore store, long publishedRevision, LongFunction<ResponseHeader> headers,
            Runnable syncRequested) {
        this.store = store;
        this.publishedRevision = publishedRevision;
        this.headers = headers;
        this.syncRequested = syncRequested;
    }

    public WatchStream openStream(WatchSink sink) {
        return new WatchStream(this, sink);
    }

    void create(WatchStream stream, long requestedId, KeyRange range, long startRevision, boolean prevKv,
            boolean noPut, boolean noDelete, boolean progressNotify) {
        boolean needsSync;
        synchronized (lock) {
            if (stream.closed) {
                return;
            }
            long current = publishedRevision;
            if (range.isEmpty()) {
                stream.sink.send(refusal(current, "mvcc: watcher range is empty"));
                return;
            }
            long id = stream.allocateId(requestedId);
            if (id < 0) {
                stream.sink.send(refusal(current, "mvcc: duplicate watch ID provided on the WatchStream"));
                return;
            }
            long start = startRevision == 0 ? current + 1 : startRevision;
            Watcher w = new Watcher(id, stream, range, prevKv, noPut, noDelete, progressNotify, start);
            stream.watchers.put(id, w);
            stream.sink.send(WatchStream.response(id).setHeader(headers.apply(current)).setCreated(true).build());
            needsSync = start <= current;
            if (needsSync) {
                unsynced.add(w);
            } else {
                addSynced(w);
            }
        }
        if (needsSync) {
            syncRequested.run();
        }
    }

    void refuse(WatchStream stream, String reason) {
        synchronized (lock) {
            if (!stream.closed) {
                stream.sink.send(refusal(publishedRevision, reason));
            }
        }
    }

    private WatchResponse refusal(long revision, String reason) {
        return WatchStream.response(-1).setHeader(headers.apply(revision)).setCreated(true).setCanceled(true)
                .setCancelReason(reason).build();
    }

    void cancel(WatchStream stream, long watchId) {
        synchronized (lock) {
            Watcher w = stream.watchers.remove(watchId);
            if (w == null) {
                return;
            }
            finish(w);
            stream.sink.send(WatchStream.response(watchId).setHeader(headers.apply(publishedRevision))
                    .setCanceled(true).build());
            sendProgressIfDue(stream);
        }
    }

    void requestProgress(WatchStream stream) {
        synchronized (lock) {
            stream.progressRequested = true;
            sendProgressIfDue(stream);
        }
    }

    void close(WatchStream stream) {
        synchronized (lock) {
            stream.closed = true;
            for (Watcher w : stream.watchers.values()) {
                finish(w);
            }
            stream.watchers.clear();
        }
    }

    /** The number of live watchers, synced or not. */
    public int watcherCount() {
        synchronized (lock) {
            int n = syncedRanges.size() + unsynced.size();
            for (Set<Watcher> ws : syncedByKey.values()) {
                n += ws.size();
            }
            return n;
        }
    }

    /**
     * Hands the changes of newly published revisions to synced watchers (writer thread). The
     * changes are in log order and {@code revision} is the new published revision.
     */
    public void publish(List<KeyRevision> changes, long revision) {
        boolean fellBehind = false;
        synchronized (lock) {
            int i = 0;
            while (i < changes.size()) {
                long rev = changes.get(i).modRevision();
                int end = i;
                while (end < changes.size() && changes.get(end).modRevision() == rev) {
                    end++;
                }
                fellBehind |= deliver(changes.subList(i, end), rev);
                i = end;
            }
            publishedRevision = revision;
        }
        if (fellBehind) {
            syncRequested.run();
        }
    }

    /** Delivers one revision's changes; true when some watcher fell behind. */
    private boolean deliver(List<KeyRevision> changes, long rev) {
        Map<Watcher, List<Event>> events = new LinkedHashMap<>();
        EventCache cache = new EventCache();
        for (KeyRevision change : changes) {
            Set<Watcher> byKey = syncedByKey.get(change.keyBytes());
            if (byKey != null) {
                for (Watcher w : byKey) {
                    collect(w, change, rev, cache, events);
                }
            }
            for (Watcher w : syncedRanges) {
                collect(w, change, rev, cache, events);
            }
        }
        boolean fellBehind = false;
        ResponseHeader header = events.isEmpty() ? null : headers.apply(rev);
        for (Map.Entry<Watcher, List<Event>> e : events.entrySet()) {
            Watcher w = e.getKey();
            WatchResponse response = WatchStream.response(w.id).setHeader(header).addAllEvents(e.getValue()).build();
            if (w.stream.sink.offer(response)) {
                w.sentSinceProgressTick = true;
            } else {
                removeSynced(w);
                w.synced = false;
                w.nextRevision = rev;
                unsynced.add(w);
                fellBehind = true;
            }
        }
        return fellBehind;
    }

    private void collect(Watcher w, KeyRevision change, long rev, EventCache cache,
            Map<Watcher, List<Event>> events) {
        if (w.nextRevision <= rev && w.wants(change)) {
            events.computeIfAbsent(w, k -> new ArrayList<>()).add(cache.event(change, w.prevKv));
        }
    }

    /**
     * Events of one pass, each built once however many watchers get it. The previous value of a
     * key is its value just before the change's revision, when that revision is not compacted;
     * like etcd, a put that creates the key gets none, even when the key was deleted and created
     * again within one txn.
     */
    private final class EventCache {
        private final Map<KeyRevision, Event> plain = new IdentityHashMap<>();
        private final Map<KeyRevision, Event> withPrevious = new IdentityHashMap<>();

        Event event(KeyRevision change, boolean prevKv) {
            Event base = plain.computeIfAbsent(change, c -> Event.newBuilder()
                    .setType(c.isTombstone() ? Event.EventType.DELETE : Event.EventType.PUT)
                    .setKv(c.toKeyValue())
                    .build());
            if (!prevKv || change.createRevision() == change.modRevision()) {
                return base;
            }
            return withPrevious.computeIfAbsent(change, c -> {
                long before = c.modRevision() - 1;
                KeyRevision previous = before >= store.compactRevision() ? store.get(c.key(), before) : null;
                return previous == null ? base : base.toBuilder().setPrevKv(previous.toKeyValue()).build();
            });
        }
    }

    /**
     * One round of catching up: each unsynced watcher is sent what it misses, in batches, until
     * it is synced again or its stream's buffer is full (it is then retried next round).
     */
    public void catchUp() {
        List<Watcher> pending;
        synchronized (lock) {
            pending = new ArrayList<>(unsynced);
        }
        for (Watcher w : pending) {
            catchUp(w);
        }
    }

    private void catchUp(Watcher w) {
        while (true) {
            long from;
            long to;
            synchronized (lock) {
                if (w.finished || w.synced) {
                    return;
                }
                from = w.nextRevision;
                to = publishedRevision;
                long compacted = store.compactRevision();
                if (from < compacted) {
                    w.stream.sink.send(WatchStream.response(w.id).setHeader(headers.apply(0))
                            .setCompactRevision(compacted).setCanceled(true).build());
                    finish(w);
                    return;
                }
                if (from > to) {
                    unsynced.remove(w);
                    addSynced(w);
                    sendProgressIfDue(w.stream);
                    return;
                }
            }
            Batch batch = readBatch(w, from, to);
            synchronized (lock) {
                if (w.finished) {
                    return;
                }
                if (store.compactRevision() > from) {
                    continue;
                }
                if (!batch.events.isEmpty()) {
                    WatchResponse response = WatchStream.response(w.id).setHeader(headers.apply(to))
                            .addAllEvents(batch.events).build();
                    if (!w.stream.sink.offer(response)) {
                        return;
                    }
                    w.sentSinceProgressTick = true;
                }
                w.nextRevision = batch.lastRevision + 1;
            }
        }
    }

    private record Batch(List<Event> events, long lastRevision) {
    }

    /** Reads the watcher's events from {@code from}, whole revisions only, within the limits. */
    private Batch readBatch(Watcher w, long from, long to) {
        long last = Math.min(to, from + MAX_REVISIONS_PER_RESPONSE - 1);
        List<KeyRevision> changes = new ArrayList<>();
        store.forEachChange(from, last, change -> {
            if (w.wants(change)) {
                changes.add(change);
            }
        });
        List<Event> events = new ArrayList<>();
        EventCache cache = new EventCache();
        int bytes = 0;
        for (int i = 0; i < changes.size(); i++) {
            KeyRevision change = changes.get(i);
            if (bytes > MAX_BYTES_PER_RESPONSE && change.modRevision() != changes.get(i - 1).modRevision()) {
                return new Batch(events, change.modRevision() - 1);
            }
            Event event = cache.event(change, w.prevKv);
            events.add(event);
            bytes += event.getSerializedSize();
        }
        return new Batch(events, last);
    }

    /**
     * Sends each progress-notify watcher that received nothing since the last tick a response
     * with no events and the published revision, as etcd does on its progress interval.
     */
    public void progressTick() {
        synchronized (lock) {
            ResponseHeader header = headers.apply(publishedRevision);
            for (Watcher w : allSynced()) {
                if (w.progressNotify && !w.sentSinceProgressTick) {
                    w.stream.sink.offer(WatchStream.response(w.id).setHeader(header).build());
                }
                w.sentSinceProgressTick = false;
            }
        }
    }

    private List<Watcher> allSynced() {
        List<Watcher> all = new ArrayList<>(syncedRanges);
        for (Set<Watcher> ws : syncedByKey.values()) {
            all.addAll(ws);
        }
        return all;
    }

    private void sendProgressIfDue(WatchStream stream) {
        if (stream.progressRequested && stream.allSynced()) {
            stream.progressRequested = false;
            stream.sink.send(WatchStream.response(-1).setHeader(headers.apply(publishedRevision)).build());
        }
    }

    private void addSynced(Watcher w) {
        w.synced = true;
        if (w.range.isSingleKey()) {
            syncedByKey.computeIfAbsent(ByteString.copyFrom(w.range.key()), k -> new LinkedHashSet<>()).add(w);
        } else {
            syncedRanges.add(w);
        }
    }

    private void removeSynced(Watcher w) {
        if (w.range.isSingleKey()) {
            ByteString key = ByteString.copyFrom(w.range.key());
            Set<Watcher> ws = syncedByKey.get(key);
            if (ws != null) {
                ws.remove(w);
                if (ws.isEmpty()) {
                    syncedByKey.remove(key);
                }
            }
        } else {
            syncedRanges.remove(w);
        }
    }

    private void finish(Watcher w) {
        w.finished = true;
        if (w.synced) {
            removeSynced(w);
        } else {
            unsynced.remove(w);
        }
    }
}
