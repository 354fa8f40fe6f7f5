package dev.baton.lock;

import dev.baton.session.Session;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A readers-writer lock in the key layout of etcd's Go recipe ({@code contrib/recipes} RWMutex):
 * readers are keys under {@code <name>/read/}, writers under {@code <name>/write/}, each on the
 * session's lease. A writer holds once no older key of either kind remains; a reader holds once no
 * older writer remains, so readers share and a waiting writer keeps later readers out (no writer
 * starves). Each waiter watches only the deletion of the nearest key that blocks it.
 *
 * <p>Not reentrant and not upgradable: while this object holds or waits, either side, another
 * acquire fails with {@link IllegalStateException}. Use one object per concurrent holder.
 */
public final class ReadWriteLock {
    private final LockHandle handle;

    private ReadWriteLock(LockHandle handle) {
        this.handle = handle;
    }

    /**
     * The read-write lock named {@code name} on {@code session}. Fails with
     * {@link IllegalArgumentException} naming an empty or malformed name.
     */
    public static ReadWriteLock on(Session session, String name) {
        Objects.requireNonNull(session, "session");
        return new ReadWriteLock(new LockHandle(session, LockName.of(name), "read-write lock"));
    }

    /** The lock's name. */
    public String name() {
        return handle.name().name();
    }

    /**
     * Blocks until this member holds the lock for reading, shared with other readers; as
     * {@link Mutex#lock(Duration)} otherwise.
     */
    public HeldLock lockRead(Duration timeout) throws InterruptedException, TimeoutException {
        return handle.acquire(LockHandle.uniqueKey(readers()), readAdmission(), timeout);
    }

    /** Blocks until this member holds the lock alone; as {@link Mutex#lock(Duration)} otherwise. */
    public HeldLock lockWrite(Duration timeout) throws InterruptedException, TimeoutException {
        return handle.acquire(LockHandle.uniqueKey(writers()), writeAdmission(), timeout);
    }

    /** Holds the lock for reading if no writer holds or waits, and returns empty otherwise. */
    public Optional<HeldLock> tryLockRead() throws InterruptedException {
        return handle.tryAcquire(LockHandle.uniqueKey(readers()), readAdmission());
    }

    /** Holds the lock alone if nobody holds or waits, and returns empty otherwise. */
    public Optional<HeldLock> tryLockWrite() throws InterruptedException {
        return handle.tryAcquire(LockHandle.uniqueKey(writers()), writeAdmission());
    }

    /** Releases the held side, or gives up waiting; see {@link HeldLock#release()}. */
    public CompletableFuture<Void> unlock() {
        return handle.release();
    }

    private String readers() {
        return handle.name().contenders() + "read/";
    }

    private String writers() {
        return handle.name().contenders() + "write/";
    }

    private Admission readAdmission() {
        return new Admission(writers(), 1);
    }

    private Admission writeAdmission() {
        return new Admission(handle.name().contenders(), 1);
    }

    @Override
    public String toString() {
        return "ReadWriteLock[" + name() + "]";
    }
}
