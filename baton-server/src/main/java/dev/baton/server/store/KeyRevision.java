package dev.baton.server.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcd.jetcd.api.KeyValue;

/**
 * One revision of one key: the value it was given at {@link #modRevision()}, or its deletion
 * (a tombstone, whose create revision, version and lease are zero).
 *
 * <p>Instances are immutable by convention: the arrays are never modified after construction
 * and are shared with the responses built from them.
 */
public final class KeyRevision {
    private static final byte[] NO_VALUE = new byte[0];

    private final byte[] key;
    private final byte[] value;
    private final long createRevision;
    private final long modRevision;
    private final long version;
    private final long lease;

    public KeyRevision(byte[] key, byte[] value, long createRevision, long modRevision, long version,
            long lease) {
        this.key = key;
        this.value = value;
        this.createRevision = createRevision;
        this.modRevision = modRevision;
        this.version = version;
        this.lease = lease;
    }

    /** The deletion of {@code key} at {@code revision}. */
    public static KeyRevision tombstone(byte[] key, long revision) {
        return new KeyRevision(key, NO_VALUE, 0, revision, 0, 0);
    }

    public byte[] key() {
        return key;
    }

    public byte[] value() {
        return value;
    }

    public long createRevision() {
        return createRevision;
    }

    public long modRevision() {
        return modRevision;
    }

    public long version() {
        return version;
    }

    public long lease() {
        return lease;
    }

    public boolean isTombstone() {
        return createRevision == 0;
    }

    public ByteString keyBytes() {
        return UnsafeByteOperations.unsafeWrap(key);
    }

    /** The wire form; a tombstone becomes a key-value holding only the key and mod revision. */
    public KeyValue toKeyValue() {
        return toKeyValue(false);
    }

    public KeyValue toKeyValue(boolean keysOnly) {
        KeyValue.Builder kv = KeyValue.newBuilder()
                .setKey(keyBytes())
                .setCreateRevision(createRevision)
                .setModRevision(modRevision)
                .setVersion(version)
                .setLease(lease);
        if (!keysOnly) {
            kv.setValue(UnsafeByteOperations.unsafeWrap(value));
        }
        return kv.build();
    }

    @Override
    public String toString() {
        return (isTombstone() ? "tombstone " : "put ") + keyBytes().toStringUtf8() + "@" + modRevision;
    }
}
