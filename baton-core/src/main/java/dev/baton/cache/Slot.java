package dev.baton.cache;

import dev.baton.etcd.KeyValue;

/**
 * What the cache holds for one key: the decoded value (or an {@link Undecodable} when decoding
 * failed) and the key's etcd metadata.
 */
record Slot(Object value, long createRevision, long modRevision, long version, long lease) {

    long[] meta() {
        return new long[] {createRevision, modRevision, version, lease};
    }

    /** True when {@code kv} is the very write this slot holds: etcd gives every write of a key its own mod revision. */
    boolean sameWrite(KeyValue kv) {
        return modRevision == kv.modRevision() && createRevision == kv.createRevision();
    }

    DecodeError error() {
        return value instanceof Undecodable undecodable ? undecodable.error() : null;
    }

    /** The decoded value, or null when the value could not be decoded. */
    @SuppressWarnings("unchecked")
    <T> T decoded() {
        return value instanceof Undecodable ? null : (T) value;
    }
}
