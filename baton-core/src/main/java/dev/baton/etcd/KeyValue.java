package dev.baton.etcd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One key as stored in etcd at some revision.
 *
 * @param key            the key, decoded as UTF-8
 * @param value          the raw value; callers must not modify the array
 * @param createRevision the revision of the key's creation: Baton's fencing token for owner keys
 * @param modRevision    the revision of the last modification
 * @param version        the number of modifications since creation
 * @param lease          the lease the key is bound to, 0 when none
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    static KeyValue of(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(),
                kv.getCreateRevision(), kv.getModRevision(), kv.getVersion(), kv.getLease());
    }

    /** The value decoded as UTF-8. */
    public String valueUtf8() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue other && key.equals(other.key) && Arrays.equals(value, other.value)
                && createRevision == other.createRevision && modRevision == other.modRevision
                && version == other.version && lease == other.lease;
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Long.hashCode(modRevision);
    }

    @Override
    public String toString() {
        return "KeyValue[" + key + " create=" + createRevision + " mod=" + modRevision + " version=" + version
                + " lease=" + Long.toHexString(lease) + " bytes=" + value.length + "]";
    }
}
