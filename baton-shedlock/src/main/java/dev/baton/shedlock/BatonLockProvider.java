package dev.baton.shedlock;

import dev.baton.lock.HeldLock;
import dev.baton.lock.LockLostException;
import dev.baton.lock.Mutex;
import dev.baton.session.Session;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ShedLock {@link ExtensibleLockProvider} on Baton's fenced {@link Mutex}: ShedLock lock
 * {@code NAME} is the mutex {@code <prefix>/NAME}, its contender key on the member's session lease
 * (no lease per lock). A lock is taken only when the mutex is free; ShedLock's {@code lockAtMostFor}
 * releases it that long after it was taken (the job's fenced writes fail from then on), its
 * {@code lockAtLeastFor} keeps it held until that long after it was taken, both counted on this
 * JVM's monotonic clock. {@link SimpleLock#extend} moves both, so {@code LockExtender} and
 * {@code KeepAliveLockProvider} work with it. A job reads its hold, and with it the fencing token,
 * from {@link #heldLock()}.
 *
 * <p>When the session is lost, every lock taken through it is lost at once, before etcd expires the
 * lease and another instance can take it; a lock whose session is not valid is never taken.
 */
public final class BatonLockProvider implements ExtensibleLockProvider {
    private static final Logger LOG = LoggerFactory.getLogger(BatonLockProvider.class);
    private static final ThreadLocal<Deque<HeldLock>> HELD_BY_THREAD = ThreadLocal.withInitial(ArrayDeque::new);

    private final Session session;
    private final String prefix;
    private final ConcurrentMap<String, Mutex> mutexes = new ConcurrentHashMap<>();

    private BatonLockProvider(Session session, String prefix) {
        this.session = session;
        this.prefix = prefix;
    }

    /**
     * The provider whose locks are the mutexes {@code <prefix>/NAME} on {@code session}. The prefix is
     * a lock name as {@link Mutex#on} takes it (not empty, no trailing {@code /}); an
     * {@link IllegalArgumentException} names a bad one.
     */
    public static BatonLockProvider on(Session session, String prefix) {
        Objects.requireNonNull(session, "session");
        // The prefix follows the rules of a lock name; building its mutex checks them and names a bad one.
        Mutex.on(session, prefix);
        return new BatonLockProvider(session, prefix);
    }

    /**
     * The innermost lock this thread took through a {@code BatonLockProvider} and has not unlocked:
     * what a job running under ShedLock reads its fencing token from
     * ({@link HeldLock#token()}, {@link HeldLock#fence()}). Empty outside such a job.
     */
    public static Optional<HeldLock> heldLock() {
        return Optional.ofNullable(HELD_BY_THREAD.get().peek());
    }

    /**
     * Takes the lock if nobody holds it, after a few round trips to the store; empty when another
     * instance holds it, when this instance holds it already (the mutex is not reentrant), or when
     * the session is not valid or is lost meanwhile.
     */
    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        Mutex mutex = mutexes.computeIfAbsent(configuration.getName(), name -> Mutex.on(session, prefix + "/" + name));
        Optional<HeldLock> held;
        try {
            held = mutex.tryLock();
        } catch (IllegalStateException | LockLostException busyHereOrNoSession) {
            LOG.debug("lock {} not taken: {}", configuration.getName(), busyHereOrNoSession.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return held.map(hold -> {
            HELD_BY_THREAD.get().push(hold);
            return ScheduledHold.start(hold, configuration, () -> HELD_BY_THREAD.get().remove(hold));
        });
    }

    @Override
    public String toString() {
        return "BatonLockProvider[" + prefix + "/]";
    }
}
