package dev.baton.lock;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * What {@link Mutex}, {@link ReadWriteLock} and {@link Semaphore} share: one session, one name, and
 * at most one attempt at a time, waited for with a timeout. A second attempt while one runs is
 * refused: the locks are not reentrant. An attempt that follows a release starts once the released
 * key is gone, since a mutex derives the same key again.
 */
final class LockHandle {
    /** Numbers the attempts of this JVM; with the lease, which no other JVM holds, a key is unique. */
    private static final AtomicLong ATTEMPTS = new AtomicLong();

    private final Session session;
    private final LockName name;
    private final String kind;
    private Contender active;
    private CompletableFuture<Void> previousKeyGone = CompletableFuture.completedFuture(null);

    LockHandle(Session session, LockName name, String kind) {
        this.session = session;
        this.name = name;
        this.kind = kind;
    }

    Session session() {
        return session;
    }

    LockName name() {
        return name;
    }

    /** {@code <directory><lease-hex>}: the one key of a session, for a mutex. */
    static LongFunction<String> sessionKey(String directory) {
        return lease -> directory + Long.toHexString(lease);
    }

    /** {@code <directory><lease-hex>-<n>}: a key no other attempt uses, for locks with several holders. */
    static LongFunction<String> uniqueKey(String directory) {
        return lease -> directory + Long.toHexString(lease) + "-" + ATTEMPTS.incrementAndGet();
    }

    /**
     * Contends with {@code key} and blocks until it holds. When {@code timeout} passes first, or the
     * thread is interrupted, the attempt is released before the exception is thrown.
     */
    HeldLock acquire(LongFunction<String> key, Admission admission, Duration timeout) throws InterruptedException, TimeoutException {
        checkTimeout(timeout);
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 2);
        awaitPreviousKeyGone(timeout);
        Contender contender = start(key, admission, false);
        try {
            return contender.acquired().get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS).orElseThrow();
        } catch (TimeoutException e) {
            contender.release();
            throw new TimeoutException(kind + " \"" + name + "\" not acquired within " + timeout + "; key "
                    + contender.key() + " released");
        } catch (InterruptedException e) {
            contender.release();
            throw e;
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    /**
     * Contends with {@code key} once: holds if admitted by the first read, otherwise deletes the key
     * again and returns empty once it is gone.
     */
    Optional<HeldLock> tryAcquire(LongFunction<String> key, Admission admission) throws InterruptedException {
        try {
            awaitPreviousKeyGone(session.etcd().requestTimeout().multipliedBy(2));
        } catch (TimeoutException e) {
            return Optional.empty();
        }
        Contender contender = start(key, admission, true);
        try {
            Optional<HeldLock> held = contender.acquired().get();
            if (held.isEmpty()) {
                contender.release().get();
            }
            return held;
        } catch (InterruptedException e) {
            contender.release();
            throw e;
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    /** Releases the running attempt, held or waiting; completes at once when there is none. */
    CompletableFuture<Void> release() {
        Contender current;
        synchronized (this) {
            current = active;
        }
        return current == null ? CompletableFuture.completedFuture(null) : current.release();
    }

    /** Called by an attempt when it ends, so this handle may contend again. */
    synchronized void ended(Contender contender) {
        if (active == contender) {
            active = null;
            previousKeyGone = contender.keyGone();
        }
    }

    private void awaitPreviousKeyGone(Duration timeout) throws InterruptedException, TimeoutException {
        CompletableFuture<Void> previous;
        synchronized (this) {
            previous = previousKeyGone;
        }
        try {
            previous.get(Math.min(timeout.toNanos(), Long.MAX_VALUE / 2), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw rethrown(e);
        } catch (TimeoutException e) {
            throw new TimeoutException(kind + " \"" + name + "\": the key of the previous hold was not removed within "
                    + timeout);
        }
    }

    private synchronized Contender start(LongFunction<String> key, Admission admission, boolean tryOnly) {
        SessionState state = session.state();
        if (state == SessionState.CLOSED || state == SessionState.LOST || !session.isValid()) {
            throw new IllegalStateException("cannot acquire " + kind + " \"" + name + "\": the session is " + state);
        }
        if (active != null) {
            throw new IllegalStateException(kind + " \"" + name + "\" is not reentrant: key " + active.key()
                    + " already holds or waits; release it first");
        }
        active = Contender.start(this, key, admission, tryOnly);
        return active;
    }

    private RuntimeException rethrown(ExecutionException e) {
        Throwable cause = Etcd.unwrap(e);
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new IllegalStateException("acquiring " + kind + " \"" + name + "\" failed", cause);
    }

    static void checkTimeout(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("lock timeout must be positive, got " + timeout);
        }
    }
}
