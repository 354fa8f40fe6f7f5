package dev.baton.lock;

import dev.baton.session.Session;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A counting semaphore of {@code permits}, fair by arrival: each acquisition is a key
 * {@code <name>/<lease-hex>-<n>} on the session's lease, and the {@code permits} keys with the
 * lowest create revisions hold. A waiter holds as soon as fewer than {@code permits} older keys
 * remain; keys created later never overtake it. Each held permit carries its own fencing token.
 *
 * <p>Every member must use the same number of permits for a name: the count is not stored, each
 * member admits by its own. One object holds at most one permit at a time (not reentrant); use one
 * object per concurrent holder.
 */
public final class Semaphore {
    private final LockHandle handle;
    private final int permits;

    private Semaphore(LockHandle handle, int permits) {
        this.handle = handle;
        this.permits = permits;
    }

    /**
     * The semaphore named {@code name} with {@code permits} on {@code session}. Fails with
     * {@link IllegalArgumentException} naming an empty or malformed name, or permits below 1.
     */
    public static Semaphore on(Session session, String name, int permits) {
        Objects.requireNonNull(session, "session");
        LockName lockName = LockName.of(name);
        if (permits < 1) {
            throw new IllegalArgumentException("semaphore \"" + name + "\" needs at least 1 permit, got " + permits);
        }
        return new Semaphore(new LockHandle(session, lockName, "semaphore"), permits);
    }

    /** The semaphore's name. */
    public String name() {
        return handle.name().name();
    }

    /** How many holders it admits at once. */
    public int permits() {
        return permits;
    }

    /** Blocks until this member holds a permit; as {@link Mutex#lock(Duration)} otherwise. */
    public HeldLock acquire(Duration timeout) throws InterruptedException, TimeoutException {
        return handle.acquire(LockHandle.uniqueKey(handle.name().contenders()), admission(), timeout);
    }

    /** Holds a permit if one is free and nobody waits, and returns empty otherwise. */
    public Optional<HeldLock> tryAcquire() throws InterruptedException {
        return handle.tryAcquire(LockHandle.uniqueKey(handle.name().contenders()), admission());
    }

    /** Releases the held permit, or gives up waiting; see {@link HeldLock#release()}. */
    public CompletableFuture<Void> release() {
        return handle.release();
    }

    private Admission admission() {
        return new Admission(handle.name().contenders(), permits);
    }

    @Override
    public String toString() {
        return "Semaphore[" + name() + " permits=" + permits + "]";
    }
}
