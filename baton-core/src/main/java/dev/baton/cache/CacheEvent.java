package dev.baton.cache;

/**
 * One change of a cache's decoded view, as a {@link CacheListener} receives it. Replaying a
 * listener's events in order onto an empty map (put {@code newValue} for ADDED and CHANGED, remove
 * the key for REMOVED and DECODE_FAILED) gives the cache's contents once the listener has caught up.
 *
 * @param kind        what happened
 * @param key         the full key; null for {@link Kind#RESYNCED}
 * @param oldValue    the value this listener last saw for the key, null when it saw none
 * @param newValue    the value now, null for REMOVED, DECODE_FAILED and RESYNCED
 * @param modRevision the revision of the change; for a key found gone by a reload, and for
 *                    {@link Kind#RESYNCED}, the revision of the reload
 * @param decodeError for DECODE_FAILED, why the new value could not be decoded; null otherwise
 * @param <T>         the decoded value type
 */
public record CacheEvent<T>(Kind kind, String key, T oldValue, T newValue, long modRevision, DecodeError decodeError) {

    public enum Kind {
        /** The key entered the view. */
        ADDED,
        /** The key was written again (also with the same value: every write is a change). */
        CHANGED,
        /** The key was deleted. */
        REMOVED,
        /** The key was written with a value the decoder rejected; it left the view (if it was in it). */
        DECODE_FAILED,
        /**
         * A full load finished: every difference it found has been delivered before this marker,
         * so the listener's view equals the cache's contents at {@code modRevision} unless later
         * changes are already queued behind it.
         */
        RESYNCED
    }

    static <T> CacheEvent<T> resynced(long revision) {
        return new CacheEvent<>(Kind.RESYNCED, null, null, null, revision, null);
    }
}
