package dev.baton.server.store;

import io.etcd.jetcd.api.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * etcd's HashKV: a CRC-32C over the name of etcd's key bucket and then, in revision order, each
 * stored revision's bucket key (main and sub revision, big-endian, joined by {@code _}, with
 * {@code t} after a deletion) and its encoded key-value (a deletion's holds only the key). Which
 * revisions count follows etcd: every one after the compaction revision up to the hashed one,
 * and of those at or below the compaction revision the ones still current at the hashed
 * revision (all that were kept, when no key is live there).
 *
 * <p>The sub revision (the position of a change within its write) is recovered from the order
 * of the retained changes. A write at or below the compaction revision that changed several
 * keys may have lost some of them to compaction, so its survivors' sub revisions, and the hash,
 * can then differ from etcd's; the hash is still a function of the stored state, the same
 * before and after a restart.
 */
public final class KeyspaceHash {
    private static final byte[] KEY_BUCKET = "key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEASE_BUCKET = "lease".getBytes(StandardCharsets.US_ASCII);

    /** What HashKV answers: the hash, and the store's current and compaction revisions. */
    public record Result(int hash, long currentRevision, long compactRevision) {
    }

    private record Stored(KeyRevision revision, long sub) {
    }

    private KeyspaceHash() {
    }

    /**
     * The hash of the key space at {@code revision} (0: the current one). Call on the writer
     * thread, so no write or compaction runs meanwhile.
     *
     * @throws EtcdError etcd's compacted error when {@code revision} is at or below the
     *     compaction revision, its future-revision error when above the current one
     */
    public static Result hashKv(MvccStore kv, long revision) {
        return hashKv(kv, revision, new CRC32C());
    }

    /**
     * The hash of the whole state at the current revision: the key space as {@link #hashKv}
     * hashes it, then the name {@code lease} and each lease's ID and TTL (8 bytes each,
     * big-endian) in ID order. etcd's Hash covers its whole database file, so the two are not
     * comparable. Call on the writer thread.
     */
    public static int hash(MvccStore kv, LeaseTable leases) {
        CRC32C crc = new CRC32C();
        hashKv(kv, 0, crc);
        crc.update(LEASE_BUCKET);
        List<Lease> all = new ArrayList<>(leases.all());
        all.sort(Comparator.comparingLong(Lease::id));
        ByteBuffer entry = ByteBuffer.allocate(16);
        for (Lease lease : all) {
            entry.clear();
            entry.putLong(lease.id()).putLong(lease.ttlSeconds());
            crc.update(entry.array());
        }
        return (int) crc.getValue();
    }

    private static Result hashKv(MvccStore kv, long revision, CRC32C crc) {
        long compactRevision = kv.compactRevision();
        long current = kv.revision();
        if (revision > 0 && revision <= compactRevision) {
            throw EtcdError.compacted();
        }
        if (revision > current) {
            throw EtcdError.futureRevision();
        }
        long at = revision == 0 ? current : revision;
        crc.update(KEY_BUCKET);
        for (Stored s : counted(kv, at, compactRevision)) {
            KeyRevision r = s.revision();
            ByteBuffer bucketKey = ByteBuffer.allocate(r.isTombstone() ? 18 : 17);
            bucketKey.putLong(r.modRevision()).put((byte) '_').putLong(s.sub());
            if (r.isTombstone()) {
                bucketKey.put((byte) 't');
            }
            crc.update(bucketKey.array());
            KeyValue value = r.isTombstone() ? KeyValue.newBuilder().setKey(r.keyBytes()).build() : r.toKeyValue();
            crc.update(value.toByteArray());
        }
        return new Result((int) crc.getValue(), current, compactRevision);
    }

    private static List<Stored> counted(MvccStore kv, long at, long compactRevision) {
        Map<KeyRevision, Long> subs = new IdentityHashMap<>();
        long[] position = {Long.MIN_VALUE, 0};
        kv.forEachChange(Math.max(compactRevision, 0), at, change -> {
            if (change.modRevision() != position[0]) {
                position[0] = change.modRevision();
                position[1] = 0;
            }
            subs.put(change, position[1]++);
        });
        List<Stored> counted = new ArrayList<>();
        boolean anyLive = kv.anyLiveAt(at);
        kv.forEachRetained(compactRevision, at, (r, liveAtCompaction, liveAtHashed) -> {
            boolean count = r.modRevision() > compactRevision
                    || (liveAtCompaction && (liveAtHashed || !anyLive));
            if (count) {
                counted.add(new Stored(r, subs.getOrDefault(r, 0L)));
            }
        });
        counted.sort(Comparator.comparingLong((Stored s) -> s.revision().modRevision()).thenComparingLong(Stored::sub));
        return counted;
    }
}
