package dev.baton.spring.integration;

import dev.baton.lock.HeldLock;
import dev.baton.lock.LockLostException;
import dev.baton.lock.Mutex;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Lock} for one key of a {@link BatonLockRegistry}: a local {@link ReentrantLock} decides
 * which thread of this JVM holds it, and Baton's {@link Mutex} which JVM does. The first acquisition
 * of a thread takes the mutex; nested ones count locally while the mutex hold is valid; the last
 * unlock releases it. A thread that still holds the lock locally but whose mutex hold was lost (its
 * session lost, its key deleted) takes the mutex again on its next acquisition, or fails to: so a
 * {@code tryLock} by the holder is how it learns that it no longer holds. Conditions are not
 * supported.
 */
public final class BatonLock implements Lock {
    private static final Logger LOG = LoggerFactory.getLogger(BatonLock.class);
    private static final Duration UNTIL_FREE = Duration.ofNanos(Long.MAX_VALUE);
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

    private final Mutex mutex;
    private final ReentrantLock local = new ReentrantLock();
    /** Written only by the thread that holds {@link #local}. */
    private volatile HeldLock held;

    BatonLock(Mutex mutex) {
        this.mutex = mutex;
    }

    /** The mutex hold, with its fencing token, while some thread holds this lock; empty otherwise. */
    public Optional<HeldLock> heldLock() {
        return Optional.ofNullable(held);
    }

    /** Whether the calling thread holds the lock and its mutex hold is still valid. */
    public boolean isHeldByCurrentThread() {
        HeldLock current = held;
        return local.isHeldByCurrentThread() && current != null && current.isValid();
    }

    @Override
    public void lock() {
        boolean interrupted = false;
        while (true) {
            try {
                lockInterruptibly();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until this thread holds the lock. A wait that ends with the session (lost while waiting)
     * starts again; one that cannot start, because the session is lost or closed, fails with
     * {@link IllegalStateException}.
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        local.lockInterruptibly();
        try {
            while (!holdInStore(UNTIL_FREE)) {
                LOG.debug("wait for lock \"{}\" ended with the session; waiting again", mutex.name());
            }
        } catch (InterruptedException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    @Override
    public boolean tryLock() {
        if (!local.tryLock()) {
            return false;
        }
        try {
            if (holdInStore(null)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            local.unlock();
            throw e;
        }
        local.unlock();
        return false;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(time);
        if (!local.tryLock(time, unit)) {
            return false;
        }
        try {
            long left = deadline - System.nanoTime();
            if (holdInStore(left > 0 ? Duration.ofNanos(left) : null)) {
                return true;
            }
        } catch (InterruptedException | RuntimeException e) {
            local.unlock();
            throw e;
        }
        local.unlock();
        return false;
    }

    /**
     * Releases one acquisition of the calling thread; the last one releases the mutex and returns
     * once its key is deleted (or after a bounded wait). A hold that was lost meanwhile is simply
     * dropped: the writes it fenced already fail.
     *
     * @throws IllegalMonitorStateException when the calling thread does not hold the lock
     */
    @Override
    public void unlock() {
        if (!local.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("lock \"" + mutex.name() + "\" is not held by " + Thread.currentThread());
        }
        try {
            if (local.getHoldCount() == 1 && held != null) {
                HeldLock last = held;
                held = null;
                awaitRelease(last);
            }
        } finally {
            local.unlock();
        }
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("conditions are not supported by lock \"" + mutex.name() + "\"");
    }

    /**
     * With the local lock held by this thread: makes sure the mutex is held for it, waiting at most
     * {@code timeout} (or one attempt when null); false when it is not held then, or the wait ended
     * with the session.
     */
    private boolean holdInStore(Duration timeout) throws InterruptedException {
        HeldLock current = held;
        if (current != null && current.isValid()) {
            return true;
        }
        if (current != null) {
            held = null;
            awaitRelease(current);
        }
        try {
            Optional<HeldLock> acquired = timeout == null ? mutex.tryLock() : Optional.of(mutex.lock(timeout));
            held = acquired.orElse(null);
            return acquired.isPresent();
        } catch (TimeoutException | LockLostException e) {
            return false;
        }
    }

    private void awaitRelease(HeldLock hold) {
        try {
            hold.release().get(RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("lock \"{}\" released, but its key {} was not deleted within {}: {}", mutex.name(), hold.key(),
                    RELEASE_WAIT, e.toString());
        }
    }

    @Override
    public String toString() {
        return "BatonLock[" + mutex.name() + (held == null ? "" : " " + held) + "]";
    }
}
