package dev.baton.election;

import dev.baton.etcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The current leader of an election as the store holds it: the candidate key with the lowest
 * create revision. Followers use {@link #value()} to find the leader (for instance its address).
 *
 * @param key            the leader's candidate key, {@code <prefix>/<lease-hex>}
 * @param value          the value it last proclaimed; callers must not modify the array
 * @param createRevision the key's create revision: the leader's fencing token
 * @param modRevision    the revision of its last proclamation
 * @param lease          the lease the key is bound to
 */
public record Leader(String key, byte[] value, long createRevision, long modRevision, long lease) {

    static Leader of(KeyValue kv) {
        return new Leader(kv.key(), kv.value(), kv.createRevision(), kv.modRevision(), kv.lease());
    }

    /** The value decoded as UTF-8. */
    public String valueUtf8() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Leader other && key.equals(other.key) && Arrays.equals(value, other.value)
                && createRevision == other.createRevision && modRevision == other.modRevision && lease == other.lease;
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Long.hashCode(modRevision);
    }

    @Override
    public String toString() {
        String text = valueUtf8();
        String shown = text.length() <= 64 ? text : text.substring(0, 64) + "...(" + value.length + " bytes)";
        return "Leader[" + key + " token=" + createRevision + " mod=" + modRevision + " value=" + shown + "]";
    }
}
