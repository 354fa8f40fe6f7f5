package dev.baton.etcd;

/**
 * One change seen by a watch.
 *
 * @param type a put (create or update) or a delete
 * @param kv   the key after the change; for a delete, the key with its deletion's mod revision
 */
public record WatchEvent(Type type, KeyValue kv) {
    public enum Type { PUT, DELETE }

    public String key() {
        return kv.key();
    }

    public long modRevision() {
        return kv.modRevision();
    }
}
