package dev.baton.shedlock;

import dev.baton.lock.HeldLock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.javacrumbs.shedlock.core.AbstractSimpleLock;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ShedLock lock over a held mutex: released {@code lockAtMostFor} after it started unless
 * unlocked or extended before, and on unlock released at once or, while {@code lockAtLeastFor} has
 * not passed since it started, when it has. An extension starts a new {@code ScheduledHold} on the
 * same mutex hold, from the moment of the extension; this one's release is then no longer due.
 */
final class ScheduledHold extends AbstractSimpleLock {
    /** How long an unlock waits for the key's deletion; past it the fenced delete goes on in the background. */
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledHold.class);
    private static final Duration UNLOCK_WAIT = Duration.ofSeconds(5);

    private final HeldLock held;
    private final long startedNanos;
    private final Runnable onUnlock;
    private volatile boolean superseded;

    private ScheduledHold(HeldLock held, LockConfiguration configuration, Runnable onUnlock) {
        super(configuration);
        this.held = held;
        this.startedNanos = System.nanoTime();
        this.onUnlock = onUnlock;
    }

    static ScheduledHold start(HeldLock held, LockConfiguration configuration, Runnable onUnlock) {
        ScheduledHold hold = new ScheduledHold(held, configuration, onUnlock);
        after(configuration.getLockAtMostFor(), () -> {
            if (!hold.superseded) {
                held.release();
            }
        });
        return hold;
    }

    @Override
    protected void doUnlock() {
        onUnlock.run();
        Duration left = lockConfiguration.getLockAtLeastFor().minusNanos(System.nanoTime() - startedNanos);
        if (left.isNegative() || left.isZero()) {
            awaitRelease();
        } else {
            after(left, held::release);
        }
    }

    @Override
    protected Optional<SimpleLock> doExtend(LockConfiguration extended) {
        if (!held.isValid()) {
            return Optional.empty();
        }
        superseded = true;
        return Optional.of(start(held, extended, onUnlock));
    }

    /** Unlocks as a storage-based provider does: the lock is free for others once unlock returns. */
    private void awaitRelease() {
        try {
            held.release().get(UNLOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("lock {} released, but its key {} was not deleted within {}: {}", lockConfiguration.getName(),
                    held.key(), UNLOCK_WAIT, e.toString());
        }
    }

    private static void after(Duration delay, Runnable action) {
        CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(action);
    }

    @Override
    public String toString() {
        return "ScheduledHold[" + held + " " + lockConfiguration + "]";
    }
}
