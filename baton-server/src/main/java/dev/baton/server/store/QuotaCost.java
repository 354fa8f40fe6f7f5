package dev.baton.server.store;

import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;

/**
 * What a write is charged against the space quota, as etcd charges it: a put its key and value
 * plus 256 bytes for the key's metadata, a txn the larger of its two branches' puts (puts in
 * nested txns are not charged), a lease grant 64 bytes. Any other write costs nothing: deletes,
 * compactions and revocations are what frees space.
 */
public final class QuotaCost {
    /** etcd's estimate of what storing a key's metadata costs. */
    static final int KV_OVERHEAD = 256;
    /** etcd's estimate of what storing a lease costs. */
    public static final long LEASE_GRANT = 64;

    private QuotaCost() {
    }

    public static long of(PutRequest r) {
        return KV_OVERHEAD + r.getKey().size() + r.getValue().size();
    }

    public static long of(TxnRequest r) {
        long success = 0;
        for (RequestOp op : r.getSuccessList()) {
            success += op.hasRequestPut() ? of(op.getRequestPut()) : 0;
        }
        long failure = 0;
        for (RequestOp op : r.getFailureList()) {
            failure += op.hasRequestPut() ? of(op.getRequestPut()) : 0;
        }
        return Math.max(success, failure);
    }
}
