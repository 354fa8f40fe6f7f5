package dev.baton.server.differential;

import static dev.baton.server.differential.Requests.bytes;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToLongFunction;

/**
 * Seeded random operations over a small key space, so that keys collide, values repeat, leases
 * come and go and compares go both ways: puts, deletes, ranges with every option, txns (nested,
 * sometimes invalid), lease calls, compactions and watches from past revisions. Each operation
 * goes through a {@link Differential}; the watches are compared at settle points.
 */
final class RandomOps {
    private static final int KEYS = 16;
    private static final String SENTINEL = "r/~";
    private static final String[] VALUES = {"", "a", "b", "c", "aa", "zz"};
    private static final long[] LEASES = {11, 12, 13, 14, 15};
    private static final int MAX_WATCHES = 24;

    private final Random random;
    private final Differential diff;
    private final Differential.WatchPair watches;
    private final List<Long> liveWatches = new ArrayList<>();
    private long revision = 1;
    private long compacted;
    private int watchesCreated;
    private int settles;

    RandomOps(long seed, Differential diff, Differential.WatchPair watches) {
        this.random = new Random(seed);
        this.diff = diff;
        this.watches = watches;
    }

    private String key() {
        return String.format("r/k%02d", random.nextInt(KEYS));
    }

    private String value() {
        return VALUES[random.nextInt(VALUES.length)];
    }

    private long lease() {
        return LEASES[random.nextInt(LEASES.length)];
    }

    /** A revision around the interesting ones: compacted, current, and a little beyond. */
    private long someRevision() {
        long low = Math.max(0, compacted - 2);
        return low + random.nextInt((int) Math.max(1, revision + 3 - low));
    }

    void step(int index) {
        int dice = random.nextInt(100);
        String what = "op " + index;
        Outcome outcome;
        if (dice < 28) {
            PutRequest put = put();
            outcome = diff.kv(what + " put " + shortText(put), kv -> kv.put(put));
        } else if (dice < 38) {
            DeleteRangeRequest delete = delete();
            outcome = diff.kv(what + " delete " + shortText(delete), kv -> kv.deleteRange(delete));
        } else if (dice < 60) {
            RangeRequest range = range();
            outcome = diff.run(what + " range " + shortText(range), t -> t.kv().range(range), m -> canonical(range, m));
        } else if (dice < 82) {
            TxnRequest txn = withoutEtcdCrash(txn(0));
            outcome = diff.kv(what + " txn " + shortText(txn), kv -> kv.txn(txn));
        } else if (dice < 86) {
            // Leases never expire during a run: when an expired lease is revoked differs between servers.
            LeaseGrantRequest grant = LeaseGrantRequest.newBuilder().setID(lease())
                    .setTTL(random.nextInt(20) == 0 ? 9_000_000_001L : 3600).build();
            outcome = diff.lease(what + " grant " + shortText(grant), l -> l.leaseGrant(grant));
        } else if (dice < 89) {
            long id = lease();
            outcome = diff.lease(what + " revoke " + id, l -> l.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id)
                    .build()));
        } else if (dice < 91) {
            long id = lease();
            outcome = diff.run(what + " time to live " + id, t -> stableTtl(t.lease().leaseTimeToLive(
                    LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(true).build())));
            diff.same(what + " lease list", t -> t.leases().ids());
        } else if (dice < 93) {
            outcome = compact(what);
        } else if (dice < 97) {
            watch(what);
            return;
        } else {
            RangeRequest past = RangeRequest.newBuilder().setKey(bytes("r/")).setRangeEnd(bytes("r0"))
                    .setRevision(someRevision()).build();
            outcome = diff.kv(what + " read at " + past.getRevision(), kv -> kv.range(past));
        }
        track(outcome);
    }

    private void track(Outcome outcome) {
        if (outcome.ok()) {
            Message m = outcome.response();
            var field = m.getDescriptorForType().findFieldByName("header");
            if (field != null && m.hasField(field)) {
                revision = Math.max(revision, ((ResponseHeader) m.getField(field)).getRevision());
            }
        }
    }

    private PutRequest put() {
        PutRequest.Builder put = PutRequest.newBuilder().setKey(bytes(key())).setValue(bytes(value()))
                .setPrevKv(random.nextBoolean());
        if (random.nextInt(5) == 0) {
            put.setLease(lease());
        }
        if (random.nextInt(20) == 0) {
            put.setIgnoreValue(true).setValue(random.nextInt(3) == 0 ? bytes("x") : ByteString.EMPTY);
        }
        if (random.nextInt(20) == 0) {
            put.setIgnoreLease(true);
        }
        return put.build();
    }

    private DeleteRangeRequest delete() {
        DeleteRangeRequest.Builder delete = DeleteRangeRequest.newBuilder().setKey(bytes(key()))
                .setPrevKv(random.nextBoolean());
        int shape = random.nextInt(20);
        if (shape < 5) {
            delete.setRangeEnd(bytes(key()));
        } else if (shape < 7) {
            delete.setRangeEnd(bytes("\0"));
        }
        return delete.build();
    }

    private RangeRequest range() {
        RangeRequest.Builder range = RangeRequest.newBuilder();
        int shape = random.nextInt(10);
        if (shape < 3) {
            range.setKey(bytes(key()));
        } else if (shape < 5) {
            range.setKey(bytes("r/")).setRangeEnd(bytes("r0"));
        } else if (shape < 7) {
            range.setKey(bytes(key())).setRangeEnd(bytes(key()));
        } else if (shape < 9) {
            range.setKey(bytes(key())).setRangeEnd(bytes("\0"));
        } else {
            range.setKey(bytes("\0")).setRangeEnd(bytes("\0"));
        }
        if (random.nextBoolean()) {
            range.setLimit(random.nextInt(5));
        }
        if (random.nextInt(4) == 0) {
            range.setRevision(someRevision());
        }
        if (random.nextInt(3) == 0) {
            range.setSortOrderValue(random.nextInt(3)).setSortTargetValue(random.nextInt(5));
        }
        range.setKeysOnly(random.nextInt(10) == 0).setCountOnly(random.nextInt(10) == 0);
        if (random.nextInt(7) == 0) {
            switch (random.nextInt(4)) {
                case 0 -> range.setMinModRevision(someRevision());
                case 1 -> range.setMaxModRevision(someRevision());
                case 2 -> range.setMinCreateRevision(someRevision());
                default -> range.setMaxCreateRevision(someRevision());
            }
        }
        return range.build();
    }

    /**
     * etcd sorts with an unstable sort, so keys tied on the sort target come in an unspecified
     * order: ties are put in key order, and when a limit cuts through them only the sorted
     * values are compared.
     */
    /**
     * A txn's response with the answer of each sorted range it ran (in the branch taken, nested
     * txns included) made canonical as {@link #canonical(RangeRequest, Message)} does.
     */
    static Message canonical(TxnRequest request, Message response) {
        TxnResponse r = (TxnResponse) response;
        List<RequestOp> ops = r.getSucceeded() ? request.getSuccessList() : request.getFailureList();
        TxnResponse.Builder canonical = r.toBuilder();
        for (int i = 0; i < Math.min(ops.size(), r.getResponsesCount()); i++) {
            RequestOp op = ops.get(i);
            ResponseOp answer = r.getResponses(i);
            if (op.hasRequestRange() && answer.hasResponseRange()) {
                canonical.setResponses(i, answer.toBuilder().setResponseRange(
                        (RangeResponse) canonical(op.getRequestRange(), answer.getResponseRange())));
            } else if (op.hasRequestTxn() && answer.hasResponseTxn()) {
                canonical.setResponses(i, answer.toBuilder().setResponseTxn(
                        (TxnResponse) canonical(op.getRequestTxn(), answer.getResponseTxn())));
            }
        }
        return canonical.build();
    }

    static Message canonical(RangeRequest request, Message response) {
        RangeResponse r = (RangeResponse) response;
        boolean sortsByValue = request.getSortTarget() != RangeRequest.SortTarget.KEY;
        if (!sortsByValue || (r.getKvsCount() < 2 && request.getLimit() <= 0)) {
            return r;
        }
        ToLongFunction<KeyValue> target = switch (request.getSortTarget()) {
            case VERSION -> KeyValue::getVersion;
            case CREATE -> KeyValue::getCreateRevision;
            case MOD -> KeyValue::getModRevision;
            default -> kv -> 0;
        };
        Comparator<KeyValue> byTarget = request.getSortTarget() == RangeRequest.SortTarget.VALUE
                ? (a, b) -> ByteString.unsignedLexicographicalComparator().compare(a.getValue(), b.getValue())
                : Comparator.comparingLong(target);
        if (request.getSortOrder() == RangeRequest.SortOrder.DESCEND) {
            byTarget = byTarget.reversed();
        }
        List<KeyValue> kvs = new ArrayList<>(r.getKvsList());
        if (request.getLimit() > 0) {
            List<KeyValue> values = kvs.stream().map(kv -> KeyValue.newBuilder().setValue(kv.getValue())
                    .setVersion(kv.getVersion()).setCreateRevision(kv.getCreateRevision())
                    .setModRevision(kv.getModRevision()).build()).toList();
            kvs = new ArrayList<>(values);
            kvs.sort(byTarget);
            List<KeyValue> onlyTarget = new ArrayList<>();
            for (KeyValue kv : kvs) {
                onlyTarget.add(request.getSortTarget() == RangeRequest.SortTarget.VALUE
                        ? KeyValue.newBuilder().setValue(kv.getValue()).build()
                        : KeyValue.newBuilder().setVersion(target.applyAsLong(kv)).build());
            }
            return r.toBuilder().clearKvs().addAllKvs(onlyTarget).build();
        }
        kvs.sort(byTarget.thenComparing(KeyValue::getKey, ByteString.unsignedLexicographicalComparator()));
        return r.toBuilder().clearKvs().addAllKvs(kvs).build();
    }

    private TxnRequest txn(int depth) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        int compares = random.nextInt(4);
        for (int i = 0; i < compares; i++) {
            txn.addCompare(compare());
        }
        int success = random.nextInt(4);
        for (int i = 0; i < success; i++) {
            txn.addSuccess(requestOp(depth));
        }
        int failure = random.nextInt(3);
        for (int i = 0; i < failure; i++) {
            txn.addFailure(requestOp(depth));
        }
        return txn.build();
    }

    /**
     * etcd stops with a fatal error on a txn whose delete to the end removes a key that a later
     * put of the same txn keeps the value or lease of (ignore_value, ignore_lease): such txns are
     * not sent; their puts lose those flags instead.
     */
    static TxnRequest withoutEtcdCrash(TxnRequest txn) {
        if (!deletesToTheEnd(txn)) {
            return txn;
        }
        TxnRequest.Builder safe = txn.toBuilder();
        for (RequestOp.Builder op : safe.getSuccessBuilderList()) {
            dropIgnoreFlags(op);
        }
        for (RequestOp.Builder op : safe.getFailureBuilderList()) {
            dropIgnoreFlags(op);
        }
        return safe.build();
    }

    private static boolean deletesToTheEnd(TxnRequest txn) {
        List<RequestOp> ops = new ArrayList<>(txn.getSuccessList());
        ops.addAll(txn.getFailureList());
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange() && op.getRequestDeleteRange().getRangeEnd().equals(bytes("\0"))) {
                return true;
            }
            if (op.hasRequestTxn() && deletesToTheEnd(op.getRequestTxn())) {
                return true;
            }
        }
        return false;
    }

    private static void dropIgnoreFlags(RequestOp.Builder op) {
        if (op.hasRequestPut()) {
            op.getRequestPutBuilder().setIgnoreValue(false).setIgnoreLease(false);
        } else if (op.hasRequestTxn()) {
            TxnRequest.Builder nested = op.getRequestTxnBuilder();
            nested.getSuccessBuilderList().forEach(RandomOps::dropIgnoreFlags);
            nested.getFailureBuilderList().forEach(RandomOps::dropIgnoreFlags);
        }
    }

    private RequestOp requestOp(int depth) {
        int kind = random.nextInt(depth < 2 ? 10 : 9);
        if (kind < 4) {
            return RequestOp.newBuilder().setRequestPut(put()).build();
        }
        if (kind < 6) {
            return RequestOp.newBuilder().setRequestDeleteRange(delete()).build();
        }
        if (kind < 9) {
            RangeRequest range = range().toBuilder().clearSortOrder().clearSortTarget().build();
            return RequestOp.newBuilder().setRequestRange(range).build();
        }
        return RequestOp.newBuilder().setRequestTxn(txn(depth + 1)).build();
    }

    private Compare compare() {
        Compare.Builder c = Compare.newBuilder().setKey(bytes(key())).setResultValue(random.nextInt(4));
        if (random.nextInt(8) == 0) {
            c.setRangeEnd(bytes(random.nextBoolean() ? "r0" : key()));
        }
        int target = random.nextInt(5);
        long operand = random.nextInt(4) == 0 ? 0 : random.nextInt((int) revision + 2);
        switch (target) {
            case 0 -> c.setTarget(Compare.CompareTarget.VERSION).setVersion(random.nextInt(4));
            case 1 -> c.setTarget(Compare.CompareTarget.CREATE).setCreateRevision(operand);
            case 2 -> c.setTarget(Compare.CompareTarget.MOD).setModRevision(operand);
            case 3 -> c.setTarget(Compare.CompareTarget.VALUE).setValue(bytes(value()));
            default -> {
                return Requests.leaseCompare(c.getKey().toStringUtf8(), c.getResult(),
                        random.nextBoolean() ? 0 : lease()).toBuilder().setRangeEnd(c.getRangeEnd()).build();
            }
        }
        return c.build();
    }

    private Outcome compact(String what) {
        if (!liveWatches.isEmpty()) {
            settle(what + " settle before compacting");
        }
        long target = Math.max(0, compacted - 1) + random.nextInt((int) Math.max(1, revision + 2 - compacted));
        Outcome outcome = diff.kv(what + " compact " + target, kv -> kv.compact(CompactionRequest.newBuilder()
                .setRevision(target).build()));
        if (outcome.ok()) {
            compacted = target;
        }
        return outcome;
    }

    private void watch(String what) {
        if (!liveWatches.isEmpty() && random.nextInt(6) == 0) {
            // A watch from the past catches up when the server gets to it (etcd: every 100 ms), so
            // what it received before a cancel depends on timing: all watches catch up first.
            settle(what + " settle before cancelling");
            long id = liveWatches.remove(random.nextInt(liveWatches.size()));
            watches.send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id))
                    .build());
            watches.awaitBoth(byWatch -> has(byWatch, id, "cancelled"));
            return;
        }
        if (watchesCreated >= MAX_WATCHES) {
            return;
        }
        WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder().setPrevKv(random.nextBoolean());
        if (random.nextBoolean()) {
            create.setKey(bytes("r/k" + random.nextInt(KEYS / 2))).setRangeEnd(bytes("\0"));
        } else {
            create.setKey(bytes("r/")).setRangeEnd(bytes("r0"));
        }
        if (random.nextInt(5) > 1) {
            long low = Math.max(1, compacted - 3);
            create.setStartRevision(low + random.nextInt((int) Math.max(1, revision + 2 - low)));
        }
        if (random.nextInt(5) == 0) {
            create.addFilters(WatchCreateRequest.FilterType.NODELETE);
        }
        watches.send(WatchRequest.newBuilder().setCreateRequest(create).build());
        long id = watchesCreated++;
        liveWatches.add(id);
        watches.awaitBoth(byWatch -> has(byWatch, id, "created"));
    }

    /**
     * True when watch {@code id} has an entry starting with {@code prefix}. Creations and
     * cancellations are waited for on both servers before the next operation, so the revision
     * they take effect at does not depend on timing.
     */
    private static boolean has(Map<Long, List<String>> byWatch, long id, String prefix) {
        return byWatch.getOrDefault(id, List.of()).stream().anyMatch(e -> e.startsWith(prefix));
    }

    /**
     * Puts the sentinel key, inside every watch's range, and waits until every live watch on etcd
     * has seen it; then the two streams must match watch by watch.
     */
    void settle(String what) {
        String value = "settle-" + settles++;
        Outcome put = diff.kv(what + " sentinel put", kv -> kv.put(Requests.put(SENTINEL, value).build()));
        track(put);
        long at = revision;
        watches.awaitSame(what, byWatch -> liveWatches.stream().allMatch(id -> finished(byWatch, id)
                || WatchRecorder.sawEvent(byWatch, id, SENTINEL, at)));
    }

    private static boolean finished(Map<Long, List<String>> byWatch, long id) {
        return byWatch.getOrDefault(id, List.of()).stream()
                .anyMatch(e -> e.startsWith("compacted") || e.startsWith("cancelled") || e.startsWith("refused"));
    }

    /**
     * The answer with its keys sorted and a live lease's remaining TTL shown as its granted TTL:
     * the two servers are asked one after the other, so on a loaded machine a second can pass
     * between the answers (a run lasts well under the minute allowed here).
     */
    private static LeaseTimeToLiveResponse stableTtl(LeaseTimeToLiveResponse r) {
        List<ByteString> keys = new ArrayList<>(r.getKeysList());
        keys.sort(ByteString.unsignedLexicographicalComparator());
        long ttl = r.getTTL() > 0 && r.getGrantedTTL() - r.getTTL() <= 60 ? r.getGrantedTTL() : r.getTTL();
        return r.toBuilder().clearKeys().addAllKeys(keys).setTTL(ttl).build();
    }

    private static String shortText(Message m) {
        String text = com.google.protobuf.TextFormat.shortDebugString(m);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
