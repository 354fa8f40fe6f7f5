package dev.baton.etcd;

/** A running watch. */
public interface Watch extends AutoCloseable {

    /** The revision the watch resumes from if its stream breaks now: one past the last delivered revision. */
    long nextRevision();

    /**
     * Asks etcd for a progress notification, so {@link WatchListener#onProgress} advances at rest.
     * On etcd before 3.4.25 and 3.5.8 a requested notification can run ahead of events not yet
     * sent (etcd-io/etcd#15220): the watch still delivers those events, but a caller must not take
     * {@code onProgress(r)} as proof that every change up to {@code r} has arrived on such versions.
     */
    void requestProgress();

    /** Stops the watch; no callback starts after this returns. Idempotent. */
    @Override
    void close();
}
