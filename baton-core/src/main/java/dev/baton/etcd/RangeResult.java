package dev.baton.etcd;

import java.util.List;
import java.util.Optional;

/**
 * The keys of a range read, all at one revision.
 *
 * @param revision the store revision the read observed
 * @param kvs      the keys in key order
 */
public record RangeResult(long revision, List<KeyValue> kvs) {
    public RangeResult {
        kvs = List.copyOf(kvs);
    }

    /** The key named {@code key}, when the range held it. */
    public Optional<KeyValue> find(String key) {
        for (KeyValue kv : kvs) {
            if (kv.key().equals(key)) {
                return Optional.of(kv);
            }
        }
        return Optional.empty();
    }

    /** The first key, when the range held any. */
    public Optional<KeyValue> first() {
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
    }
}
