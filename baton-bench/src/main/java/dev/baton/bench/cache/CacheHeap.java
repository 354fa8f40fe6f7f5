package dev.baton.bench.cache;

/**
 * The heap a cache holds per key: heap in use after full collections with the cache loaded,
 * minus the same before it started, divided by the keys it holds. The store's client is already
 * connected before the first reading, so only the cache is counted.
 */
final class CacheHeap {
    private CacheHeap() {
    }

    /** Bytes per key of a cache of {@code prefix}, which holds {@code keys} keys. */
    static double bytesPerKey(CachedStore store, String prefix, int keys) throws Exception {
        long before = SettledHeap.measure();
        try (CachedStore.OpenCache cache = store.open(prefix, () -> { })) {
            long after = SettledHeap.measure();
            int size = cache.size();
            if (size != keys) {
                throw new IllegalStateException(store.displayName() + " holds " + size + " keys of " + prefix
                        + ", not " + keys);
            }
            return perKey(before, after, keys);
        }
    }

    static double perKey(long before, long after, int keys) {
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be >= 1, got " + keys);
        }
        return (double) (after - before) / keys;
    }
}
