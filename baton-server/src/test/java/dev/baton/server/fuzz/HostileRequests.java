package dev.baton.server.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import java.util.Random;

/**
 * Malformed and extreme etcd API requests, drawn from one {@link Random} so a seed replays them:
 * empty keys, keys of odd bytes (NUL, 0xff, invalid UTF-8), keys and values near and over the
 * request limits, every {@code range_end} edge ("\0", equal to the key, below it), negative and
 * huge revisions and limits, txns with hundreds of compares or operations, deep nesting and
 * duplicate keys, lease IDs and TTLs at the ends of their range, and watch requests of every kind.
 *
 * <p>With {@code etcdSafe}, only requests real etcd 3.4 answers without crashing are drawn (no
 * enum values outside the API; see {@code RandomOps.withoutEtcdCrash} for the txn case), and
 * puts never name a lease that a grant may create, so two servers stay in step whatever their
 * lease timers do.
 */
public final class HostileRequests {
    /** etcd's default {@code --max-request-bytes}, which the embedded server shares. */
    public static final int MAX_REQUEST_BYTES = 1536 * 1024;
    /** The transport's limit: etcd's request limit plus its 512 KiB gRPC overhead. */
    public static final int TRANSPORT_LIMIT_BYTES = MAX_REQUEST_BYTES + 512 * 1024;
    /** A key the fuzzers' own checks write; fuzzed requests may hit it too. */
    public static final ByteString CANARY = ByteString.copyFromUtf8("k/canary");

    private static final byte[][] ODD_KEYS = {
        {0}, {(byte) 0xff}, {0, 0}, {(byte) 0xff, (byte) 0xff}, {'a', 0}, {'a', (byte) 0xff},
        {(byte) 0xc3, 0x28}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0x80},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xfe, (byte) 0xfe}, {'\n'},
        {'/'}, {'k', '/'},
    };
    private static final String[] PLAIN_KEYS = {"a", "b", "k/1", "k/2", "k/10", "k/canary", "z"};
    private static final long[] EXTREME_LONGS = {
        0, 1, -1, 2, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L,
        Integer.MIN_VALUE, 1L << 53,
    };
    /** Leases a grant may create: explicit hostile IDs (0 asks the server to choose). */
    private static final long[] GRANTED_LEASES = {0, 0, 0, 1, 7, -1, -7, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 62};
    /** Lease IDs no grant of an etcd-safe source ever creates. */
    private static final long[] UNGRANTED_LEASES = {3, -3, 12345, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1};
    private static final long[] TTLS = {
        0, 1, 2, -1, 3600, Long.MIN_VALUE, Long.MAX_VALUE, 9_000_000_000L, 9_000_000_001L, 8_999_999_999L,
        Integer.MAX_VALUE,
    };
    private static final int[] HUGE_SIZES = {
        MAX_REQUEST_BYTES - 200, MAX_REQUEST_BYTES - 20, MAX_REQUEST_BYTES + 20, TRANSPORT_LIMIT_BYTES + 20,
    };

    private final Random random;
    private final boolean etcdSafe;

    public HostileRequests(Random random, boolean etcdSafe) {
        this.random = random;
        this.etcdSafe = etcdSafe;
    }

    /**
     * One request of the KV, Lease or Maintenance service: a {@link RangeRequest},
     * {@link PutRequest}, {@link DeleteRangeRequest}, {@link TxnRequest}, {@link CompactionRequest},
     * {@link LeaseGrantRequest}, {@link LeaseRevokeRequest}, {@link LeaseTimeToLiveRequest},
     * {@link LeaseKeepAliveRequest} or {@link StatusRequest}.
     */
    public Message request() {
        int kind = random.nextInt(100);
        if (kind < 3) {
            return huge();
        }
        if (kind < 20) {
            return range().build();
        }
        if (kind < 45) {
            return put().build();
        }
        if (kind < 55) {
            return delete().build();
        }
        if (kind < 75) {
            return txn();
        }
        if (kind < 80) {
            return CompactionRequest.newBuilder().setRevision(revision()).setPhysical(random.nextBoolean()).build();
        }
        if (kind < 86) {
            return LeaseGrantRequest.newBuilder().setID(pick(GRANTED_LEASES)).setTTL(pick(TTLS)).build();
        }
        if (kind < 90) {
            return LeaseRevokeRequest.newBuilder().setID(lease()).build();
        }
        if (kind < 94) {
            return LeaseTimeToLiveRequest.newBuilder().setID(lease()).setKeys(random.nextBoolean()).build();
        }
        if (kind < 98) {
            return LeaseKeepAliveRequest.newBuilder().setID(lease()).build();
        }
        return StatusRequest.getDefaultInstance();
    }

    /** A request of a watch stream: create (every option), cancel (mostly unknown IDs), progress, or empty. */
    public WatchRequest watchRequest() {
        int kind = random.nextInt(100);
        if (kind < 55) {
            WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder()
                    .setKey(random.nextInt(10) == 0 ? ByteString.EMPTY : key())
                    .setStartRevision(random.nextInt(3) == 0 ? revision() : 0)
                    .setPrevKv(random.nextBoolean())
                    .setProgressNotify(random.nextBoolean());
            create.setRangeEnd(rangeEnd(create.getKey()));
            int filters = random.nextInt(3);
            for (int i = 0; i < filters; i++) {
                create.addFiltersValue(etcdSafe || random.nextInt(4) > 0 ? random.nextInt(2) : 2 + random.nextInt(100));
            }
            if (random.nextInt(3) == 0) {
                long id = random.nextBoolean() ? random.nextInt(4) : pick(EXTREME_LONGS);
                create.setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(id).build()).build());
            }
            return WatchRequest.newBuilder().setCreateRequest(create).build();
        }
        if (kind < 85) {
            long id = random.nextBoolean() ? random.nextInt(8) : pick(EXTREME_LONGS);
            return WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build();
        }
        if (kind < 97) {
            return WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build();
        }
        return WatchRequest.getDefaultInstance();
    }

    /** A key: mostly a few plain ones (so requests meet), else odd bytes, random bytes or empty. */
    ByteString key() {
        int kind = random.nextInt(20);
        if (kind < 9) {
            return ByteString.copyFromUtf8(pick(PLAIN_KEYS));
        }
        if (kind < 14) {
            return ByteString.copyFrom(ODD_KEYS[random.nextInt(ODD_KEYS.length)]);
        }
        if (kind < 19) {
            byte[] b = new byte[1 + random.nextInt(12)];
            random.nextBytes(b);
            return ByteString.copyFrom(b);
        }
        return ByteString.EMPTY;
    }

    private ByteString value() {
        int kind = random.nextInt(10);
        if (kind < 3) {
            return ByteString.EMPTY;
        }
        byte[] b = new byte[random.nextInt(kind < 8 ? 8 : 600)];
        random.nextBytes(b);
        return ByteString.copyFrom(b);
    }

    /** Every range end case: none, "\0" (to the end), the key itself, below it, its prefix end, 0xff, random. */
    private ByteString rangeEnd(ByteString key) {
        return switch (random.nextInt(8)) {
            case 0, 1 -> ByteString.EMPTY;
            case 2 -> ByteString.copyFrom(new byte[] {0});
            case 3 -> key;
            case 4 -> key.isEmpty() ? ByteString.EMPTY : key.substring(0, key.size() - 1);
            case 5 -> prefixEnd(key);
            case 6 -> ByteString.copyFrom(new byte[] {(byte) 0xff});
            default -> key();
        };
    }

    private static ByteString prefixEnd(ByteString key) {
        byte[] end = key.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }

    private long revision() {
        return random.nextBoolean() ? pick(EXTREME_LONGS) : random.nextInt(400) - 5;
    }

    private long lease() {
        if (etcdSafe) {
            return pick(UNGRANTED_LEASES);
        }
        return random.nextBoolean() ? pick(GRANTED_LEASES) : pick(EXTREME_LONGS);
    }

    private long putLease() {
        return random.nextInt(3) == 0 ? lease() : 0;
    }

    RangeRequest.Builder range() {
        RangeRequest.Builder r = RangeRequest.newBuilder().setKey(key());
        r.setRangeEnd(rangeEnd(r.getKey()));
        if (random.nextBoolean()) {
            r.setLimit(random.nextBoolean() ? pick(EXTREME_LONGS) : random.nextInt(5) - 1);
        }
        if (random.nextInt(3) == 0) {
            r.setRevision(revision());
        }
        if (random.nextInt(3) == 0) {
            r.setSortOrderValue(enumValue(3)).setSortTargetValue(enumValue(5));
        }
        r.setSerializable(random.nextBoolean()).setKeysOnly(random.nextInt(4) == 0)
                .setCountOnly(random.nextInt(4) == 0);
        if (random.nextInt(4) == 0) {
            r.setMinModRevision(revision()).setMaxModRevision(revision())
                    .setMinCreateRevision(revision()).setMaxCreateRevision(revision());
        }
        return r;
    }

    /** An enum number of a field with {@code known} values; sometimes one outside them unless etcd-safe. */
    private int enumValue(int known) {
        if (!etcdSafe && random.nextInt(6) == 0) {
            return random.nextBoolean() ? known + random.nextInt(50) : -1 - random.nextInt(3);
        }
        return random.nextInt(known);
    }

    PutRequest.Builder put() {
        PutRequest.Builder p = PutRequest.newBuilder().setKey(key()).setValue(value()).setLease(putLease())
                .setPrevKv(random.nextBoolean());
        if (random.nextInt(6) == 0) {
            p.setIgnoreValue(true);
            if (random.nextBoolean()) {
                p.clearValue();
            }
        }
        if (random.nextInt(6) == 0) {
            p.setIgnoreLease(true);
            if (random.nextBoolean()) {
                p.clearLease();
            }
        }
        return p;
    }

    DeleteRangeRequest.Builder delete() {
        DeleteRangeRequest.Builder d = DeleteRangeRequest.newBuilder().setKey(key()).setPrevKv(random.nextBoolean());
        // A delete of everything now and then, rarer than the other range ends, so stores do not stay empty.
        d.setRangeEnd(random.nextInt(4) == 0 ? rangeEnd(d.getKey()) : ByteString.EMPTY);
        return d;
    }

    private Compare compare() {
        Compare.Builder c = Compare.newBuilder().setKey(key()).setResultValue(enumValue(4));
        if (random.nextInt(4) == 0) {
            c.setRangeEnd(rangeEnd(c.getKey()));
        }
        int target = random.nextInt(5);
        switch (random.nextInt(4)) {
            case 0 -> c.setVersion(revision());
            case 1 -> c.setCreateRevision(revision());
            case 2 -> c.setModRevision(revision());
            default -> c.setValue(value());
        }
        if (target == 4) {
            // Target LEASE and its operand (field 8), which the generated classes lack.
            c.setTargetValue(4).setUnknownFields(UnknownFieldSet.newBuilder()
                    .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(lease()).build()).build());
        } else {
            c.setTargetValue(etcdSafe ? target : enumValue(4));
        }
        return c.build();
    }

    /** A txn: mostly small and shallow, sometimes hundreds of compares or ops, sometimes a deep chain. */
    TxnRequest txn() {
        int shape = random.nextInt(20);
        if (shape == 0) {
            return deepChain(20 + random.nextInt(200));
        }
        if (shape == 1) {
            return wide(100 + random.nextInt(200));
        }
        return txn(0);
    }

    private TxnRequest txn(int depth) {
        TxnRequest.Builder t = TxnRequest.newBuilder();
        int compares = random.nextInt(4);
        for (int i = 0; i < compares; i++) {
            t.addCompare(compare());
        }
        int success = random.nextInt(5);
        for (int i = 0; i < success; i++) {
            t.addSuccess(op(depth));
        }
        int failure = random.nextInt(4);
        for (int i = 0; i < failure; i++) {
            t.addFailure(op(depth));
        }
        return t.build();
    }

    private RequestOp op(int depth) {
        int kind = random.nextInt(depth < 3 ? 10 : 9);
        if (kind < 4) {
            return RequestOp.newBuilder().setRequestPut(put()).build();
        }
        if (kind < 6) {
            return RequestOp.newBuilder().setRequestDeleteRange(delete()).build();
        }
        if (kind < 8) {
            return RequestOp.newBuilder().setRequestRange(range()).build();
        }
        if (kind < 9) {
            // An op with nothing set, which etcd refuses.
            return random.nextInt(4) == 0 ? RequestOp.getDefaultInstance()
                    : RequestOp.newBuilder().setRequestPut(put()).build();
        }
        return RequestOp.newBuilder().setRequestTxn(txn(depth + 1)).build();
    }

    /** Hundreds of compares, successes or failures, often on the same key. */
    private TxnRequest wide(int count) {
        TxnRequest.Builder t = TxnRequest.newBuilder();
        int which = random.nextInt(4);
        ByteString sameKey = ByteString.copyFromUtf8(pick(PLAIN_KEYS));
        for (int i = 0; i < count; i++) {
            ByteString key = which == 3 ? sameKey : ByteString.copyFromUtf8("k/w" + i);
            switch (which) {
                case 0 -> t.addCompare(Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.VERSION)
                        .setResult(Compare.CompareResult.GREATER).setVersion(-1));
                case 1 -> t.addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)));
                default -> t.addSuccess(RequestOp.newBuilder().setRequestPut(
                        PutRequest.newBuilder().setKey(key).setValue(ByteString.copyFromUtf8("w" + i))));
            }
        }
        return t.build();
    }

    /** Txns nested {@code depth} deep, each level's success holding the next, the innermost a put. */
    private TxnRequest deepChain(int depth) {
        TxnRequest inner = TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8("k/deep")).setValue(ByteString.copyFromUtf8("d" + depth))))
                .build();
        for (int i = 1; i < depth; i++) {
            inner = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(inner)).build();
        }
        return inner;
    }

    /** A write or read whose key or value is near or over the request and transport limits. */
    private Message huge() {
        int size = HUGE_SIZES[random.nextInt(HUGE_SIZES.length)];
        ByteString big = ByteString.copyFrom(new byte[size]).concat(ByteString.copyFromUtf8("h"));
        return switch (random.nextInt(5)) {
            case 0 -> PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k/huge")).setValue(big).build();
            case 1 -> PutRequest.newBuilder().setKey(big).setValue(ByteString.copyFromUtf8("v")).build();
            case 2 -> RangeRequest.newBuilder().setKey(big).build();
            case 3 -> DeleteRangeRequest.newBuilder().setKey(big).build();
            default -> TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(
                    PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k/huge")).setValue(big))).build();
        };
    }

    private long pick(long[] values) {
        return values[random.nextInt(values.length)];
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
