package dev.baton.server.store;

/** A consistent read view of the key space, at a fixed current revision. */
public interface KvView {
    /** The current revision of this view; reads at revision 0 read here. */
    long revision();

    /**
     * The live keys of {@code range} at {@code atRevision} (0 or less: at {@link #revision()}).
     *
     * @param limit the most key-values to return; 0 for all
     * @param countOnly when true, only {@link RangeResult#count()} is computed
     * @throws EtcdError future revision when {@code atRevision} is newer than this view, compacted
     *     when it is older than the compaction revision
     */
    RangeResult range(KeyRange range, long atRevision, long limit, boolean countOnly);

    /** The revision of the last compaction, -1 when never compacted. */
    long compactRevision();

    /** The live value of {@code key} at this view's revision, or null. */
    KeyRevision get(byte[] key);
}
