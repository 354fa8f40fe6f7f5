package dev.baton.cache;

/**
 * One key of the cache: its decoded value and its etcd metadata.
 *
 * @param key            the full key, prefix included
 * @param value          the decoded value; never null
 * @param createRevision the revision that created the key (Baton's fencing token for owner keys)
 * @param modRevision    the revision of the key's last write
 * @param version        the number of writes since the key was created
 * @param lease          the lease the key is bound to, 0 when none
 * @param <T>            the decoded value type
 */
public record CacheEntry<T>(String key, T value, long createRevision, long modRevision, long version, long lease) {
}
