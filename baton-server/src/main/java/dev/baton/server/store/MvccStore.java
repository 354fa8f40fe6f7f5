package dev.baton.server.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * The multi-version key space: an index from key to its revisions, and the log of changes in
 * revision order.
 *
 * <p>The store's {@link #revision()} starts at 1 (an empty store, as in etcd) and is raised by
 * {@link WriteTxn#commit()}. Changes of a write are visible to the writer itself at once, but
 * only to readers of a revision that includes them; callers decide which revision readers get.
 * Reads are lock-free. A read at a revision that a concurrent compaction removes fails with
 * {@link EtcdError#compacted()} rather than returning partial data.
 */
public final class MvccStore {
    private final ConcurrentSkipListMap<byte[], Object> index = new ConcurrentSkipListMap<>(KeyRange.ORDER);
    private final RevisionLog log = new RevisionLog();
    private final KeyChangeListener listener;
    private volatile long revision = 1;
    /** -1 until the first compaction, as etcd's {@code compactMainRev}: compacting at 0 is then allowed once. */
    private volatile long compactRevision = -1;

    MvccStore(KeyChangeListener listener) {
        this.listener = listener;
    }

    /** The revision of the last committed write. */
    public long revision() {
        return revision;
    }

    /** The revision of the last compaction, -1 when never compacted. */
    public long compactRevision() {
        return compactRevision;
    }

    /** A read view at {@code atRevision}, which must not be newer than {@link #revision()}. */
    public KvView view(long atRevision) {
        return new KvView() {
            @Override
            public long revision() {
                return atRevision;
            }

            @Override
            public RangeResult range(KeyRange range, long at, long limit, boolean countOnly) {
                return MvccStore.this.range(range, at, atRevision, limit, countOnly);
            }

            @Override
            public long compactRevision() {
                return compactRevision;
            }

            @Override
            public KeyRevision get(byte[] key) {
                return MvccStore.this.get(key, atRevision);
            }
        };
    }

    /** The live value of {@code key} at {@code atRevision}, or null. */
    public KeyRevision get(byte[] key, long atRevision) {
        return KeyHistory.liveAt(index.get(key), atRevision);
    }

    /**
     * Range read following etcd's revision checks: a requested revision newer than
     * {@code current} is a future revision, one older than the compaction revision is compacted.
     */
    RangeResult range(KeyRange range, long requested, long current, long limit, boolean countOnly) {
        if (requested > current) {
            throw EtcdError.futureRevision();
        }
        long at = requested <= 0 ? current : requested;
        if (at < compactRevision) {
            throw EtcdError.compacted();
        }
        List<KeyRevision> kvs = countOnly ? Collections.emptyList() : new ArrayList<>();
        long count = 0;
        for (Object entry : range.slice(index).values()) {
            KeyRevision live = KeyHistory.liveAt(entry, at);
            if (live == null) {
                continue;
            }
            count++;
            if (!countOnly && (limit <= 0 || kvs.size() < limit)) {
                kvs.add(live);
            }
        }
        if (at < compactRevision) {
            throw EtcdError.compacted();
        }
        return new RangeResult(kvs, count, current);
    }

    /**
     * Calls {@code action} for every retained change with {@code from <= modRevision <= to}, in the
     * order the changes were made. Changes below the compaction revision are gone; callers check
     * {@link #compactRevision()} first.
     */
    public void forEachChange(long from, long to, Consumer<KeyRevision> action) {
        log.forEach(from, to, action);
    }

    /** Begins the next write; only one may be open at a time, on the writer thread. */
    public WriteTxn beginWrite() {
        return new WriteTxn(this, revision);
    }

    /** Records one change (writer thread). Its revision must not be older than any recorded. */
    void append(KeyRevision change) {
        byte[] key = change.key();
        Object entry = index.get(key);
        KeyRevision previous = entry == null ? null : KeyHistory.liveAt(entry, Long.MAX_VALUE);
        Object updated = KeyHistory.append(entry, change);
        if (updated != entry) {
            index.put(key, updated);
        }
        log.append(change);
        listener.keyChanged(previous, change);
    }

    /**
     * Takes back {@code change}, the newest change recorded (writer thread): readers of a revision
     * below it never saw it. The caller sets the revision back afterwards.
     */
    void takeBack(KeyRevision change) {
        byte[] key = change.key();
        Object entry = index.get(key);
        Object remaining = KeyHistory.dropNewest(entry, change);
        if (remaining == null) {
            index.remove(key);
        } else if (remaining != entry) {
            index.put(key, remaining);
        }
        log.dropNewest(change);
        listener.keyChangeTakenBack(change, KeyHistory.liveAt(remaining, Long.MAX_VALUE));
    }

    void advanceTo(long newRevision) {
        revision = newRevision;
    }

    /**
     * Forgets what reads at or after {@code atRevision} do not need (writer thread). The caller
     * has checked that {@code compactRevision() < atRevision <= revision()}.
     */
    public void compact(long atRevision) {
        compactRevision = atRevision;
        for (Map.Entry<byte[], Object> e : index.entrySet()) {
            Object entry = e.getValue();
            Object compacted = KeyHistory.compact(entry, atRevision);
            if (compacted == null) {
                index.remove(e.getKey(), entry);
            } else if (compacted != entry) {
                index.put(e.getKey(), compacted);
            }
        }
        log.compact(atRevision, change -> !change.isTombstone()
                && KeyHistory.at(index.get(change.key()), atRevision) == change);
    }

    /**
     * Restores a store from a snapshot: {@code compacted} are the revisions below the compaction
     * revision still needed (one per key at most, in any order), {@code changes} the retained log
     * in order. Must be called on an empty store, before any write.
     */
    void restore(long atRevision, long compactedAt, Iterable<KeyRevision> compacted,
            Iterable<KeyRevision> changes) {
        for (KeyRevision r : compacted) {
            index.put(r.key(), r);
        }
        for (KeyRevision r : changes) {
            Object entry = index.get(r.key());
            Object updated = KeyHistory.append(entry, r);
            if (updated != entry) {
                index.put(r.key(), updated);
            }
            log.append(r);
        }
        compactRevision = compactedAt;
        revision = atRevision;
    }

    /** Calls {@code action} for each revision below the compaction revision that is retained. */
    void forEachCompactedRevision(Consumer<KeyRevision> action) {
        long compacted = compactRevision;
        for (Object entry : index.values()) {
            KeyHistory.forEach(entry, r -> {
                if (r.modRevision() < compacted) {
                    action.accept(r);
                }
            });
        }
    }

    /** A retained revision, with whether it is the live value of its key at two revisions. */
    interface RetainedRevision {
        void accept(KeyRevision revision, boolean liveAtFirst, boolean liveAtSecond);
    }

    /**
     * Calls {@code action} for every retained revision not newer than {@code second}, telling
     * whether it is its key's live value at {@code first} and at {@code second}.
     */
    void forEachRetained(long first, long second, RetainedRevision action) {
        for (Object entry : index.values()) {
            KeyRevision liveAtFirst = KeyHistory.liveAt(entry, first);
            KeyRevision liveAtSecond = KeyHistory.liveAt(entry, second);
            KeyHistory.forEach(entry, r -> {
                if (r.modRevision() <= second) {
                    action.accept(r, r == liveAtFirst, r == liveAtSecond);
                }
            });
        }
    }

    /** Whether any key has a live value at {@code atRevision}. */
    boolean anyLiveAt(long atRevision) {
        for (Object entry : index.values()) {
            if (KeyHistory.liveAt(entry, atRevision) != null) {
                return true;
            }
        }
        return false;
    }

    /** Calls {@code action} for each live key-value at the current revision, in key order. */
    void forEachLive(Consumer<KeyRevision> action) {
        long at = revision;
        for (Object entry : index.values()) {
            KeyRevision live = KeyHistory.liveAt(entry, at);
            if (live != null) {
                action.accept(live);
            }
        }
    }
}
