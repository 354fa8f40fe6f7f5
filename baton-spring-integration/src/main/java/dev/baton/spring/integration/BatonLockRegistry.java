package dev.baton.spring.integration;

import dev.baton.lock.Mutex;
import dev.baton.session.Session;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * A Spring Integration lock registry on Baton's fenced {@link Mutex}: the lock for key {@code K} is
 * the mutex {@code <prefix>/K} (its key {@code <prefix>/K/<lease-hex>} on the member's session
 * lease, in etcd's mutex layout), so {@code LockRegistryLeaderInitiator}, aggregators and the other
 * lock-based components run on Baton. One {@link BatonLock} per key, reentrant per thread; its
 * {@link BatonLock#heldLock()} gives the fencing token.
 *
 * <p>Nothing needs renewing: the session's one keep-alive keeps every hold, and a hold ends only
 * when it is released or the session is lost. {@link #renewLock} therefore only checks that the
 * calling thread still holds a valid lock, and fails otherwise.
 */
public final class BatonLockRegistry implements RenewableLockRegistry {
    private final Session session;
    private final String prefix;
    private final ConcurrentMap<String, BatonLock> locks = new ConcurrentHashMap<>();

    private BatonLockRegistry(Session session, String prefix) {
        this.session = session;
        this.prefix = prefix;
    }

    /**
     * The registry whose locks are the mutexes {@code <prefix>/<key>} on {@code session}. The prefix
     * follows the rules of a lock name; an {@link IllegalArgumentException} names a bad one.
     */
    public static BatonLockRegistry on(Session session, String prefix) {
        Objects.requireNonNull(session, "session");
        // Building the prefix's mutex checks the rules of a lock name and names a bad prefix.
        Mutex.on(session, prefix);
        return new BatonLockRegistry(session, prefix);
    }

    /** The lock for {@code lockKey} (its {@code toString()}); the same object for equal keys. */
    @Override
    public BatonLock obtain(Object lockKey) {
        String key = Objects.requireNonNull(lockKey, "lockKey").toString();
        return locks.computeIfAbsent(key, k -> new BatonLock(Mutex.on(session, prefix + "/" + k)));
    }

    /**
     * Checks that the calling thread holds the lock for {@code lockKey} and that its hold is valid.
     *
     * @throws IllegalStateException when it does not
     */
    @Override
    public void renewLock(Object lockKey) {
        BatonLock lock = locks.get(Objects.requireNonNull(lockKey, "lockKey").toString());
        if (lock == null || !lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("lock \"" + prefix + "/" + lockKey + "\" is not held by "
                    + Thread.currentThread() + (lock == null ? "" : " (" + lock + ")"));
        }
    }

    /**
     * As {@link #renewLock(Object)}: the hold lasts as long as the session, whatever {@code ttl} says.
     * Spring Integration 7 adds this method to {@code RenewableLockRegistry}; it is here so the
     * registry answers it there too.
     */
    public void renewLock(Object lockKey, Duration ttl) {
        renewLock(lockKey);
    }

    @Override
    public String toString() {
        return "BatonLockRegistry[" + prefix + "/]";
    }
}
