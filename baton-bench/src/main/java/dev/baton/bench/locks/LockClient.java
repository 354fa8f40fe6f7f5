package dev.baton.bench.locks;

/**
 * One holder of one lock: {@link #lock()} blocks until it holds, {@link #unlock()} releases, both
 * on the same thread (Curator's mutex requires it).
 */
interface LockClient extends AutoCloseable {
    void lock() throws Exception;

    void unlock() throws Exception;

    @Override
    void close();
}
