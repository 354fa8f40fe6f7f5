package dev.baton.cache;

/**
 * A change of one key of the decoded view, from {@code before} to {@code after}: what the cache's
 * contents report when they apply a watch event or a reload, and what a listener's queue holds.
 *
 * @param key      the full key
 * @param before   the decoded value before the change; null when the key was not in the view
 * @param after    the decoded value after the change; null when the key left the view
 * @param error    non-null when the key left the view because its new value did not decode
 * @param revision the revision of the change
 */
record KeyChange<T>(String key, T before, T after, DecodeError error, long revision) {

    /** This change as seen by a listener that last saw {@code earlier.before()}: the net effect of both. */
    KeyChange<T> after(KeyChange<T> earlier) {
        return new KeyChange<>(key, earlier.before, after, error, revision);
    }

    /** The event this change amounts to, or null when the net effect is nothing (the key came and went). */
    CacheEvent<T> toEvent() {
        if (error != null) {
            return new CacheEvent<>(CacheEvent.Kind.DECODE_FAILED, key, before, null, revision, error);
        }
        if (after != null) {
            return new CacheEvent<>(before == null ? CacheEvent.Kind.ADDED : CacheEvent.Kind.CHANGED, key, before, after,
                    revision, null);
        }
        return before == null ? null : new CacheEvent<>(CacheEvent.Kind.REMOVED, key, before, null, revision, null);
    }
}
