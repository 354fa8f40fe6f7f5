package dev.baton.server.store;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import java.util.List;

/**
 * The permissions each request needs once auth is enabled, as etcd 3.4 checks them: a range
 * needs read on its keys; a put write on its key (and read with {@code prev_kv}) and write on
 * every key already attached to its lease; a delete write on its keys (and read with
 * {@code prev_kv}); a txn read on every compared key and what each operation of both branches
 * needs, nested txns included; a lease revocation write on every key attached to the lease.
 * Each check throws etcd's {@link EtcdError} when {@code user} lacks a permission, and costs
 * nothing while auth is disabled.
 */
public final class RequestPermissions {
    private RequestPermissions() {
    }

    public static void range(AuthData auth, String user, RangeRequest r) {
        if (!auth.enabled()) {
            return;
        }
        auth.check(user, KeyRange.of(r.getKey(), r.getRangeEnd()), false);
    }

    public static void put(AuthData auth, String user, PutRequest r, LeaseTable leases) {
        if (!auth.enabled()) {
            return;
        }
        auth.check(user, KeyRange.of(r.getKey(), ByteString.EMPTY), true);
        if (r.getLease() != 0) {
            leaseKeys(auth, user, leases.get(r.getLease()));
        }
        if (r.getPrevKv()) {
            auth.check(user, KeyRange.of(r.getKey(), ByteString.EMPTY), false);
        }
    }

    public static void delete(AuthData auth, String user, DeleteRangeRequest r) {
        if (!auth.enabled()) {
            return;
        }
        KeyRange keys = KeyRange.of(r.getKey(), r.getRangeEnd());
        auth.check(user, keys, true);
        if (r.getPrevKv()) {
            auth.check(user, keys, false);
        }
    }

    public static void txn(AuthData auth, String user, TxnRequest r) {
        if (!auth.enabled()) {
            return;
        }
        for (Compare c : r.getCompareList()) {
            auth.check(user, KeyRange.of(c.getKey(), c.getRangeEnd()), false);
        }
        operations(auth, user, r.getSuccessList());
        operations(auth, user, r.getFailureList());
    }

    private static void operations(AuthData auth, String user, List<RequestOp> ops) {
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> range(auth, user, op.getRequestRange());
                case REQUEST_PUT -> {
                    PutRequest put = op.getRequestPut();
                    auth.check(user, KeyRange.of(put.getKey(), ByteString.EMPTY), true);
                }
                case REQUEST_DELETE_RANGE -> delete(auth, user, op.getRequestDeleteRange());
                case REQUEST_TXN -> txn(auth, user, op.getRequestTxn());
                default -> {
                }
            }
        }
    }

    /** Revoking a lease deletes its keys: it needs write on each of them. */
    public static void leaseKeys(AuthData auth, String user, Lease lease) {
        if (lease == null || !auth.enabled()) {
            return;
        }
        for (ByteString key : lease.keys()) {
            auth.check(user, KeyRange.of(key, ByteString.EMPTY), true);
        }
    }
}
