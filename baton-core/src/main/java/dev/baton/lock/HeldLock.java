package dev.baton.lock;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Guard;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A lock (a mutex, one side of a read-write lock, or a semaphore permit) held by this member, from
 * the moment it was admitted until it is lost or released.
 *
 * <p>The {@link #token() fencing token} is the contender key's create revision: unique to this
 * hold, and the tokens of successive holders only increase. Every write made on behalf of the holder
 * must be a transaction guarded by {@link #fence()}, so the write of a holder that lost the lock is
 * refused by the store even when it was sent before the loss was noticed.
 *
 * <p>A held lock is lost exactly once, for the first of: the session goes LOST (declared on the
 * monotonic clock before etcd can expire the lease and admit anyone else), the session is closed,
 * the key is deleted, or {@link #release()}. {@link #lost()} then completes and {@link #isValid()}
 * is false for good.
 */
public final class HeldLock {
    private final Contender contender;
    private final String name;
    private final String key;
    private final long token;
    private final long lease;

    HeldLock(Contender contender, String name, String key, long token, long lease) {
        this.contender = contender;
        this.name = name;
        this.key = key;
        this.token = token;
        this.lease = lease;
    }

    /** The lock's name. */
    public String name() {
        return name;
    }

    /** The contender key that holds, under {@code <name>/}. */
    public String key() {
        return key;
    }

    /** The fencing token: the key's create revision. */
    public long token() {
        return token;
    }

    /** The session lease the key is bound to. */
    public long lease() {
        return lease;
    }

    /**
     * True while the lock holds: not lost, not released, and the session valid with the same lease,
     * checked against the session's deadline at the moment of the call. It can turn false at any
     * instant after it returned, which is why writes must still carry {@link #fence()}.
     */
    public boolean isValid() {
        return contender.isValid();
    }

    /**
     * The compare {@code createRevision(key) == token}: put it into every transaction made on behalf
     * of this holder, and the transaction fails once anyone else can hold the lock.
     */
    public Guard fence() {
        return Compares.createRevisionIs(key, token);
    }

    /**
     * Completes once, with the reason, the moment the lock is lost or released; never completes
     * twice. Its callbacks run on the connection's callback executor; only one registered while a
     * {@link #release()} of a lock nobody had asked this of is under way may run on the releasing
     * thread.
     */
    public CompletableFuture<LossReason> lost() {
        return contender.lost();
    }

    /** Why the hold ended, once it has. */
    public Optional<LossReason> lossReason() {
        return contender.lossReason();
    }

    /**
     * Releases: {@link #isValid()} turns false at once, then {@link #lost()} completes with
     * {@link LossReason#RELEASED}, and only after the callbacks registered on it have run is the key
     * deleted (fenced), so the next holder is admitted after this one stopped. The future completes
     * once the key is gone. Idempotent.
     */
    public CompletableFuture<Void> release() {
        return contender.release();
    }

    @Override
    public String toString() {
        return "HeldLock[" + key + " token=" + token + (isValid() ? "" : " lost") + "]";
    }
}
