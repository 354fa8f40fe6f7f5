package dev.baton.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The transaction {@link Operation}s Baton uses, on UTF-8 keys. */
public final class Operations {
    private Operations() {
    }

    /** Puts {@code value}; with {@code lease} 0 the key is bound to no lease. */
    public static Operation put(String key, byte[] value, long lease) {
        PutOption option = lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
        return new Operation(Op.put(Compares.bytes(key), ByteSequence.from(value), option));
    }

    /** Puts {@code value} as UTF-8, as {@link #put(String, byte[], long)} does. */
    public static Operation put(String key, String value, long lease) {
        return put(key, value.getBytes(StandardCharsets.UTF_8), lease);
    }

    /** Deletes one key or every key of a prefix. */
    public static Operation delete(KeyRange range) {
        DeleteOption option = range.isPrefix()
                ? DeleteOption.builder().isPrefix(true).build()
                : DeleteOption.DEFAULT;
        return new Operation(Op.delete(range.startBytes(), option));
    }

    /** Reads one key; its result appears in {@link TxnResult#gets()}. */
    public static Operation get(String key) {
        return new Operation(Op.get(Compares.bytes(key), GetOption.DEFAULT));
    }

    /**
     * A transaction nested in the branch of another: its compares are evaluated on their own, so
     * one request can carry many independent guarded writes. Its outcome appears in
     * {@link TxnResult#nested()}. No two writes of one request may touch the same key.
     */
    public static Operation txn(List<Guard> when, List<Operation> then, List<Operation> otherwise) {
        return new Operation(Op.txn(Guard.toJetcd(when), Operation.toJetcd(then), Operation.toJetcd(otherwise)));
    }

    /**
     * Reads every key of {@code range} in one response, unpaged: for small ranges only, such as the
     * contenders of a lock. Its result appears in {@link TxnResult#gets()}.
     */
    public static Operation getAll(KeyRange range) {
        GetOption option = range.isPrefix() ? GetOption.builder().withRange(range.endBytes()).build() : GetOption.DEFAULT;
        return new Operation(Op.get(range.startBytes(), option));
    }

    /** Reads the key with the lowest create revision under {@code prefix}; used by elections. */
    public static Operation getOldest(String prefix) {
        KeyRange range = KeyRange.prefix(prefix);
        return new Operation(Op.get(range.startBytes(), GetOption.builder()
                .withRange(range.endBytes())
                .withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.ASCEND)
                .withLimit(1)
                .build()));
    }
}
