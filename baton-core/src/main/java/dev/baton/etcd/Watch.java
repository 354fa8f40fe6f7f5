package dev.baton.etcd;

/** A running watch. */
public interface Watch extends AutoCloseable {

    /** The revision the watch resumes from if its stream breaks now: one past the last delivered revision. */
    long nextRevision();

    /** Asks etcd for a progress notification, so {@link WatchListener#onProgress} advances at rest. */
    void requestProgress();

    /** Stops the watch; no callback starts after this returns. Idempotent. */
    @Override
    void close();
}
