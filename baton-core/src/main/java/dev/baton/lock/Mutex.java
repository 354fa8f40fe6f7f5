package dev.baton.lock;

import dev.baton.session.Session;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * A mutual-exclusion lock in the key layout of etcd's Go {@code concurrency.Mutex}, so Baton
 * members, Go services and {@code etcdctl lock NAME} contend for the same lock. Each contender is
 * the key {@code <name>/<lease-hex>} on its session's lease; the contender with the lowest create
 * revision holds, and every other one watches only the deletion of the contender just before it.
 * See the package documentation for the guarantees.
 *
 * <p>Not reentrant: while this object holds or waits, another {@link #lock} or {@link #tryLock()}
 * fails with {@link IllegalStateException}; so does a second {@code Mutex} on the same session and
 * name, which would derive the same key.
 */
public final class Mutex {
    private final LockHandle handle;

    private Mutex(LockHandle handle) {
        this.handle = handle;
    }

    /**
     * The mutex named {@code name} (as {@code etcdctl lock NAME} names it: no trailing {@code /}) on
     * {@code session}. Fails with {@link IllegalArgumentException} naming an empty or malformed name.
     */
    public static Mutex on(Session session, String name) {
        Objects.requireNonNull(session, "session");
        return new Mutex(new LockHandle(session, LockName.of(name), "mutex"));
    }

    /**
     * Checks {@code name} as {@link #on} does, without a session, for input checked before
     * connecting; returns it. Fails with {@link IllegalArgumentException} naming an empty or
     * malformed name.
     */
    public static String checkName(String name) {
        return LockName.of(name).name();
    }

    /** The mutex's name. */
    public String name() {
        return handle.name().name();
    }

    /**
     * Blocks until this member holds the mutex. When {@code timeout} passes first, or the thread is
     * interrupted, the waiting key is released before the exception is thrown.
     *
     * @throws IllegalArgumentException when {@code timeout} is not positive
     * @throws LockLostException        when the wait ended first (session lost or closed, key deleted)
     * @throws TimeoutException         when not acquired within {@code timeout}
     */
    public HeldLock lock(Duration timeout) throws InterruptedException, TimeoutException {
        return handle.acquire(key(), admission(), timeout);
    }

    /**
     * Holds the mutex if nobody else holds or waits for it, and returns empty otherwise, after the
     * round trips that create the key and read the contenders (and delete the key again). While the
     * store does not answer it retries, until the session is lost at the latest.
     *
     * @throws LockLostException when the session was lost or closed first
     */
    public Optional<HeldLock> tryLock() throws InterruptedException {
        return handle.tryAcquire(key(), admission());
    }

    /** Releases the held mutex, or gives up waiting; see {@link HeldLock#release()}. */
    public CompletableFuture<Void> unlock() {
        return handle.release();
    }

    private LongFunction<String> key() {
        return LockHandle.sessionKey(handle.name().contenders());
    }

    private Admission admission() {
        return new Admission(handle.name().contenders(), 1);
    }

    @Override
    public String toString() {
        return "Mutex[" + name() + "]";
    }
}
