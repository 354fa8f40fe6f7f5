package dev.baton.cache;

/** Where a {@link KeyspaceCache} stands. */
public enum CacheState {
    /** Reading the prefix for the first time; nothing is served yet. */
    LOADING,
    /** Loaded and watching: every change etcd delivers is applied as it arrives. */
    SYNCED,
    /** The watch fell behind a compaction; the cache serves its last contents while it reloads. */
    RESYNCING,
    /** The watch failed for good (the etcd connection was closed); the last contents stay readable. */
    FAILED,
    /** {@link KeyspaceCache#close()} was called. Terminal. */
    CLOSED
}
