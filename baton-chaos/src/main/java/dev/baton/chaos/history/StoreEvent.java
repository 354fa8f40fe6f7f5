package dev.baton.chaos.history;

import java.util.Objects;

/**
 * One key change as a watch from revision 1 delivered it.
 *
 * @param revision       the revision of the change (the key's mod revision; for a delete, the
 *                       delete's revision)
 * @param type           PUT or DELETE
 * @param key            the key
 * @param value          the new value, empty for a delete
 * @param createRevision the key's create revision (for a delete, the deleted key's)
 * @param lease          the lease the key was bound to (for a delete, the deleted key's)
 */
public record StoreEvent(long revision, Type type, String key, String value, long createRevision, long lease) {

    public enum Type { PUT, DELETE }

    public StoreEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "r" + revision + " " + type + " " + key + (type == Type.PUT ? "=" + value : "") + " lease "
                + Long.toHexString(lease);
    }
}
