package dev.baton.server.store;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * etcd 3.4's semantics of Range, Put, DeleteRange and Txn over a {@link KvView} or
 * {@link WriteTxn}. Responses carry a header holding only the revision; the server adds the
 * cluster fields to the outermost one, as etcd does.
 */
final class KvOperations {
    /** The wire tag of {@code Compare.lease}, a target the generated classes do not know. */
    private static final int COMPARE_LEASE_FIELD = 8;
    /** The wire value of {@code Compare.CompareTarget.LEASE}. */
    private static final int COMPARE_TARGET_LEASE = 4;

    private KvOperations() {
    }

    static ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }

    /**
     * Range: the store is read without a limit when results must be filtered or sorted first, and
     * with one extra key otherwise so {@code more} can be told; {@code count} is always the number
     * of keys in the whole range at the read revision, before filters and limit.
     */
    static RangeResponse range(KvView view, RangeRequest r) {
        boolean postProcessed = r.getSortOrder() != RangeRequest.SortOrder.NONE
                || r.getMinModRevision() != 0 || r.getMaxModRevision() != 0
                || r.getMinCreateRevision() != 0 || r.getMaxCreateRevision() != 0;
        long fetch = postProcessed || r.getLimit() <= 0 ? 0 : r.getLimit() + 1;
        RangeResult result = view.range(KeyRange.of(r.getKey(), r.getRangeEnd()), r.getRevision(), fetch,
                r.getCountOnly());
        List<KeyRevision> kvs = new ArrayList<>(result.kvs());
        if (r.getMaxModRevision() != 0) {
            kvs.removeIf(kv -> kv.modRevision() > r.getMaxModRevision());
        }
        if (r.getMinModRevision() != 0) {
            kvs.removeIf(kv -> kv.modRevision() < r.getMinModRevision());
        }
        if (r.getMaxCreateRevision() != 0) {
            kvs.removeIf(kv -> kv.createRevision() > r.getMaxCreateRevision());
        }
        if (r.getMinCreateRevision() != 0) {
            kvs.removeIf(kv -> kv.createRevision() < r.getMinCreateRevision());
        }
        sort(kvs, r);
        RangeResponse.Builder response = RangeResponse.newBuilder()
                .setHeader(header(result.revision()))
                .setCount(result.count());
        if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
            kvs = kvs.subList(0, (int) r.getLimit());
            response.setMore(true);
        }
        for (KeyRevision kv : kvs) {
            response.addKvs(kv.toKeyValue(r.getKeysOnly()));
        }
        return response.build();
    }

    /**
     * Sorting follows etcd: a target other than the key with no order means ascending. Ties keep
     * key order (etcd leaves their order unspecified).
     */
    private static void sort(List<KeyRevision> kvs, RangeRequest r) {
        RangeRequest.SortOrder order = r.getSortOrder();
        RangeRequest.SortTarget target = r.getSortTarget();
        if (target != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        if (order != RangeRequest.SortOrder.ASCEND && order != RangeRequest.SortOrder.DESCEND) {
            return;
        }
        Comparator<KeyRevision> by = switch (target) {
            case VERSION -> Comparator.comparingLong(KeyRevision::version);
            case CREATE -> Comparator.comparingLong(KeyRevision::createRevision);
            case MOD -> Comparator.comparingLong(KeyRevision::modRevision);
            case VALUE -> (a, b) -> KeyRange.ORDER.compare(a.value(), b.value());
            default -> (a, b) -> KeyRange.ORDER.compare(a.key(), b.key());
        };
        kvs.sort(order == RangeRequest.SortOrder.DESCEND ? by.reversed() : by);
    }

    /**
     * Put. The caller has checked the request shape, the lease, and for ignore_value /
     * ignore_lease that the key exists in {@code before}, the state before the write began.
     *
     * <p>Inside a txn the key may have been deleted by an earlier "to the end" delete, which the
     * duplicate-key rule lets through; etcd stops with a fatal error there. Here the ignored value
     * or lease is then taken from {@code before}, so the txn still applies whole.
     */
    static PutResponse put(WriteTxn txn, KvView before, PutRequest r) {
        byte[] key = r.getKey().toByteArray();
        KeyRevision existing = txn.get(key);
        KeyRevision kept = existing != null ? existing : before.get(key);
        if ((r.getIgnoreValue() || r.getIgnoreLease()) && kept == null) {
            throw EtcdError.keyNotFound();
        }
        byte[] value = r.getIgnoreValue() ? kept.value() : r.getValue().toByteArray();
        long lease = r.getIgnoreLease() ? kept.lease() : r.getLease();
        txn.put(key, value, lease);
        PutResponse.Builder response = PutResponse.newBuilder().setHeader(header(txn.revision()));
        if (r.getPrevKv() && existing != null) {
            response.setPrevKv(existing.toKeyValue());
        }
        return response.build();
    }

    static DeleteRangeResponse deleteRange(WriteTxn txn, DeleteRangeRequest r) {
        List<KeyRevision> deleted = txn.deleteRange(KeyRange.of(r.getKey(), r.getRangeEnd()));
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder()
                .setHeader(header(txn.revision()))
                .setDeleted(deleted.size());
        if (r.getPrevKv()) {
            for (KeyRevision kv : deleted) {
                response.addPrevKvs(kv.toKeyValue());
            }
        }
        return response.build();
    }

    /** True when neither branch holds anything but ranges: etcd then serves it as a read. */
    static boolean isReadOnly(TxnRequest r) {
        for (RequestOp op : r.getSuccessList()) {
            if (!op.hasRequestRange()) {
                return false;
            }
        }
        for (RequestOp op : r.getFailureList()) {
            if (!op.hasRequestRange()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Txn, as etcd runs it: every compare, nested ones included, is evaluated against the state
     * before the txn; the operations on the chosen path are checked (puts' leases and keys, ranges'
     * revisions) before any runs, so a txn either fails whole or applies whole.
     *
     * @param view the pre-txn state; for a read-only txn also the view the ranges run on
     * @param write the write to run in, or null for a read-only txn
     */
    static TxnResponse txn(KvView view, WriteTxn write, TxnRequest r, LongPredicate leaseExists) {
        List<Boolean> path = new ArrayList<>();
        comparePath(view, r, path);
        if (write != null) {
            checkPuts(view, r, path, new int[] {0}, leaseExists);
        }
        checkRanges(view, r, path, new int[] {0});
        KvView reads = write != null ? write : view;
        TxnResponse.Builder response = execute(view, reads, write, r, path, new int[] {0});
        return response.setHeader(header(reads.revision())).build();
    }

    private static void comparePath(KvView view, TxnRequest r, List<Boolean> path) {
        boolean succeeded = true;
        for (Compare c : r.getCompareList()) {
            if (!compare(view, c)) {
                succeeded = false;
                break;
            }
        }
        path.add(succeeded);
        for (RequestOp op : branch(r, succeeded)) {
            if (op.hasRequestTxn()) {
                comparePath(view, op.getRequestTxn(), path);
            }
        }
    }

    private static List<RequestOp> branch(TxnRequest r, boolean succeeded) {
        return succeeded ? r.getSuccessList() : r.getFailureList();
    }

    /**
     * A compare holds when every live key of its range satisfies it; over no keys it compares the
     * zero key-value, except that a value compare then fails (a missing key has no value).
     */
    private static boolean compare(KvView view, Compare c) {
        List<KeyRevision> kvs = view.range(KeyRange.of(c.getKey(), c.getRangeEnd()), 0, 0, false).kvs();
        int target = c.getTargetValue();
        if (kvs.isEmpty()) {
            return target != Compare.CompareTarget.VALUE_VALUE && holds(c, compareTo(c, null));
        }
        for (KeyRevision kv : kvs) {
            if (!holds(c, compareTo(c, kv))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Compares {@code kv} (null: the zero key-value) with the compare's operand; an operand set for
     * another target than the compared one counts as zero, as in etcd.
     */
    private static int compareTo(Compare c, KeyRevision kv) {
        switch (c.getTargetValue()) {
            case Compare.CompareTarget.VALUE_VALUE -> {
                byte[] actual = kv == null ? new byte[0] : kv.value();
                byte[] operand = c.getTargetUnionCase() == Compare.TargetUnionCase.VALUE
                        ? c.getValue().toByteArray() : new byte[0];
                return Integer.signum(KeyRange.ORDER.compare(actual, operand));
            }
            case Compare.CompareTarget.CREATE_VALUE -> {
                long operand = c.getTargetUnionCase() == Compare.TargetUnionCase.CREATE_REVISION
                        ? c.getCreateRevision() : 0;
                return Long.compare(kv == null ? 0 : kv.createRevision(), operand);
            }
            case Compare.CompareTarget.MOD_VALUE -> {
                long operand = c.getTargetUnionCase() == Compare.TargetUnionCase.MOD_REVISION
                        ? c.getModRevision() : 0;
                return Long.compare(kv == null ? 0 : kv.modRevision(), operand);
            }
            case Compare.CompareTarget.VERSION_VALUE -> {
                long operand = c.getTargetUnionCase() == Compare.TargetUnionCase.VERSION ? c.getVersion() : 0;
                return Long.compare(kv == null ? 0 : kv.version(), operand);
            }
            case COMPARE_TARGET_LEASE -> {
                var lease = c.getUnknownFields().getField(COMPARE_LEASE_FIELD).getVarintList();
                long operand = lease.isEmpty() ? 0 : lease.get(lease.size() - 1);
                return Long.compare(kv == null ? 0 : kv.lease(), operand);
            }
            default -> {
                return 0;
            }
        }
    }

    private static boolean holds(Compare c, int result) {
        return switch (c.getResultValue()) {
            case Compare.CompareResult.EQUAL_VALUE -> result == 0;
            case Compare.CompareResult.NOT_EQUAL_VALUE -> result != 0;
            case Compare.CompareResult.GREATER_VALUE -> result > 0;
            case Compare.CompareResult.LESS_VALUE -> result < 0;
            default -> true;
        };
    }

    private static void checkPuts(KvView view, TxnRequest r, List<Boolean> path, int[] cursor,
            LongPredicate leaseExists) {
        boolean succeeded = path.get(cursor[0]++);
        for (RequestOp op : branch(r, succeeded)) {
            if (op.hasRequestTxn()) {
                checkPuts(view, op.getRequestTxn(), path, cursor, leaseExists);
            } else if (op.hasRequestPut()) {
                PutRequest put = op.getRequestPut();
                if ((put.getIgnoreValue() || put.getIgnoreLease()) && view.get(put.getKey().toByteArray()) == null) {
                    throw EtcdError.keyNotFound();
                }
                if (put.getLease() != 0 && !leaseExists.test(put.getLease())) {
                    throw EtcdError.leaseNotFound();
                }
            }
        }
    }

    private static void checkRanges(KvView view, TxnRequest r, List<Boolean> path, int[] cursor) {
        boolean succeeded = path.get(cursor[0]++);
        for (RequestOp op : branch(r, succeeded)) {
            if (op.hasRequestTxn()) {
                checkRanges(view, op.getRequestTxn(), path, cursor);
            } else if (op.hasRequestRange()) {
                long revision = op.getRequestRange().getRevision();
                // etcd's txn check compares the revision as given with the compaction revision, so a
                // negative one, which a plain range reads as "now", fails as compacted here.
                if (revision < 0 && revision < view.compactRevision()) {
                    throw EtcdError.compacted();
                }
                if (revision > 0) {
                    view.range(KeyRange.single(op.getRequestRange().getKey().toByteArray()), revision, 1, true);
                }
            }
        }
    }

    /** Runs the chosen branch; a nested txn's response header is empty, as in etcd. */
    private static TxnResponse.Builder execute(KvView before, KvView reads, WriteTxn write,
            TxnRequest r, List<Boolean> path, int[] cursor) {
        boolean succeeded = path.get(cursor[0]++);
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(succeeded);
        for (RequestOp op : branch(r, succeeded)) {
            ResponseOp.Builder result = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> result.setResponseRange(range(reads, op.getRequestRange()));
                case REQUEST_PUT -> result.setResponsePut(put(write, before, op.getRequestPut()));
                case REQUEST_DELETE_RANGE ->
                        result.setResponseDeleteRange(deleteRange(write, op.getRequestDeleteRange()));
                case REQUEST_TXN -> result.setResponseTxn(
                        execute(before, reads, write, op.getRequestTxn(), path, cursor)
                                .setHeader(ResponseHeader.getDefaultInstance()));
                default -> {
                }
            }
            response.addResponses(result);
        }
        return response;
    }
}
