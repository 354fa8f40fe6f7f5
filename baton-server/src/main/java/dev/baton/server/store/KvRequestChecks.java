package dev.baton.server.store;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes on a request before it reaches the store: required keys, the flags a
 * put may not combine, the per-txn operation limit, and the rule that one txn may not write the
 * same key twice.
 */
public final class KvRequestChecks {
    /** etcd's default {@code --max-txn-ops}. */
    public static final int MAX_TXN_OPS = 128;

    private KvRequestChecks() {
    }

    public static void checkRange(RangeRequest r) {
        if (r.getKey().isEmpty()) {
            throw EtcdError.emptyKey();
        }
    }

    public static void checkPut(PutRequest r) {
        if (r.getKey().isEmpty()) {
            throw EtcdError.emptyKey();
        }
        if (r.getIgnoreValue() && !r.getValue().isEmpty()) {
            throw EtcdError.valueProvided();
        }
        if (r.getIgnoreLease() && r.getLease() != 0) {
            throw EtcdError.leaseProvided();
        }
    }

    public static void checkDelete(DeleteRangeRequest r) {
        if (r.getKey().isEmpty()) {
            throw EtcdError.emptyKey();
        }
    }

    /** All checks of a txn request, including the duplicate-key rule on both branches. */
    public static void checkTxn(TxnRequest r) {
        checkTxnShape(r, MAX_TXN_OPS);
        writtenKeys(r.getSuccessList());
        writtenKeys(r.getFailureList());
    }

    /**
     * etcd bounds each of compares, success and failure by the limit, and nested txns by what the
     * enclosing level leaves of it.
     */
    private static void checkTxnShape(TxnRequest r, int maxOps) {
        int ops = Math.max(r.getCompareCount(), Math.max(r.getSuccessCount(), r.getFailureCount()));
        if (ops > maxOps) {
            throw EtcdError.tooManyOperations();
        }
        for (var c : r.getCompareList()) {
            if (c.getKey().isEmpty()) {
                throw EtcdError.emptyKey();
            }
        }
        for (RequestOp op : r.getSuccessList()) {
            checkOp(op, maxOps - ops);
        }
        for (RequestOp op : r.getFailureList()) {
            checkOp(op, maxOps - ops);
        }
    }

    private static void checkOp(RequestOp op, int maxOps) {
        switch (op.getRequestCase()) {
            case REQUEST_RANGE -> checkRange(op.getRequestRange());
            case REQUEST_PUT -> checkPut(op.getRequestPut());
            case REQUEST_DELETE_RANGE -> checkDelete(op.getRequestDeleteRange());
            case REQUEST_TXN -> checkTxnShape(op.getRequestTxn(), maxOps);
            default -> throw EtcdError.keyNotFound();
        }
    }

    /** The deletes of one level of a txn, as intervals the puts are checked against. */
    private static final class Deletes {
        private final List<byte[][]> intervals = new ArrayList<>();

        /**
         * A delete covers {@code [key, range_end)} taken literally, or the key alone. Like etcd, a
         * "to the end" range end ({@code "\0"}) is taken literally too and so covers no put.
         */
        void add(ByteString key, ByteString rangeEnd) {
            byte[] k = key.toByteArray();
            byte[] end = rangeEnd.isEmpty() ? null : rangeEnd.toByteArray();
            intervals.add(new byte[][] {k, end});
        }

        void addAll(Deletes other) {
            intervals.addAll(other.intervals);
        }

        boolean covers(ByteString put) {
            byte[] k = put.toByteArray();
            for (byte[][] interval : intervals) {
                byte[] from = interval[0];
                byte[] end = interval[1];
                boolean hit = end == null
                        ? Arrays.equals(from, k)
                        : KeyRange.ORDER.compare(from, k) <= 0 && KeyRange.ORDER.compare(k, end) < 0;
                if (hit) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Written(Set<ByteString> puts, Deletes deletes) {
    }

    /**
     * The keys one branch of a txn puts, failing with duplicate key when a key is put twice, or is
     * put and covered by a delete, on the paths that can run together. A nested txn's two branches
     * exclude each other, so they may put the same key.
     */
    private static Written writtenKeys(List<RequestOp> ops) {
        Deletes deletes = new Deletes();
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                DeleteRangeRequest d = op.getRequestDeleteRange();
                deletes.add(d.getKey(), d.getRangeEnd());
            }
        }
        Set<ByteString> puts = new HashSet<>();
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            Written then = writtenKeys(op.getRequestTxn().getSuccessList());
            Written otherwise = writtenKeys(op.getRequestTxn().getFailureList());
            for (ByteString k : then.puts()) {
                if (puts.contains(k) || deletes.covers(k)) {
                    throw EtcdError.duplicateKey();
                }
                puts.add(k);
            }
            for (ByteString k : otherwise.puts()) {
                if ((puts.contains(k) && !then.puts().contains(k)) || deletes.covers(k)) {
                    throw EtcdError.duplicateKey();
                }
                puts.add(k);
            }
            deletes.addAll(then.deletes());
            deletes.addAll(otherwise.deletes());
        }
        for (RequestOp op : ops) {
            if (!op.hasRequestPut()) {
                continue;
            }
            ByteString k = op.getRequestPut().getKey();
            if (puts.contains(k) || deletes.covers(k)) {
                throw EtcdError.duplicateKey();
            }
            puts.add(k);
        }
        return new Written(puts, deletes);
    }
}
