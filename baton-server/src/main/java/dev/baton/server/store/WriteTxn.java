package dev.baton.server.store;

import java.util.ArrayList;
import java.util.List;

/**
 * One write: every change it makes carries revision {@code begin + 1}, and the store's revision
 * advances only if something changed. Reads through the transaction see its own changes, as in
 * etcd, where a range after a put in the same txn returns the put.
 */
public final class WriteTxn implements KvView {
    private final MvccStore store;
    private final long beginRevision;
    private final List<KeyRevision> changes = new ArrayList<>();

    WriteTxn(MvccStore store, long beginRevision) {
        this.store = store;
        this.beginRevision = beginRevision;
    }

    /** The revision the transaction reads at: the next one once it has changed something. */
    @Override
    public long revision() {
        return changes.isEmpty() ? beginRevision : beginRevision + 1;
    }

    @Override
    public RangeResult range(KeyRange range, long atRevision, long limit, boolean countOnly) {
        return store.range(range, atRevision, revision(), limit, countOnly);
    }

    @Override
    public long compactRevision() {
        return store.compactRevision();
    }

    @Override
    public KeyRevision get(byte[] key) {
        return store.get(key, revision());
    }

    /**
     * Puts {@code value} under {@code key}: a new life (create revision = this revision, version
     * 1) when the key is absent, else the next version of the current life.
     *
     * @return the previous live value, or null
     */
    public KeyRevision put(byte[] key, byte[] value, long lease) {
        long rev = beginRevision + 1;
        KeyRevision previous = store.get(key, rev);
        KeyRevision next = previous == null
                ? new KeyRevision(key, value, rev, rev, 1, lease)
                : new KeyRevision(key, value, previous.createRevision(), rev, previous.version() + 1, lease);
        record(next);
        return previous;
    }

    /** Deletes every live key of {@code range}; returns their values before the delete. */
    public List<KeyRevision> deleteRange(KeyRange range) {
        long rev = beginRevision + 1;
        List<KeyRevision> deleted = store.range(range, rev, rev, 0, false).kvs();
        for (KeyRevision kv : deleted) {
            record(KeyRevision.tombstone(kv.key(), rev));
        }
        return deleted;
    }

    private void record(KeyRevision change) {
        store.append(change);
        changes.add(change);
    }

    /** The changes made so far, in order. */
    public List<KeyRevision> changes() {
        return changes;
    }

    /** Ends the write, advancing the store's revision when anything changed; returns it. */
    public long commit() {
        if (!changes.isEmpty()) {
            store.advanceTo(beginRevision + 1);
        }
        return store.revision();
    }
}
