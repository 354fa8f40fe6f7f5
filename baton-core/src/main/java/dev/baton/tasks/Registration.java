package dev.baton.tasks;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.TxnResult;
import dev.baton.session.Session;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's key ({@code <ns>members/<member>}) on its session lease: written at start (waiting
 * for a previous holder of the id to go), written again on the new lease after a lost session,
 * removed on close. Its create revision is the guard of the member's own record updates. Used
 * from the member's control thread, except {@link #registerAtStart}, which runs before it works.
 */
final class Registration {

    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

    private final String member;
    private final Session session;
    private final TaskWrites writes;
    private final ScheduledExecutorService control;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    private long lease;
    private long revision;

    Registration(String member, Session session, TaskWrites writes, ScheduledExecutorService control) {
        this.member = member;
        this.session = session;
        this.writes = writes;
        this.control = control;
    }

    /** The lease the member is registered on now; 0 while it is not registered. */
    long lease() {
        return lease;
    }

    /** The member key's create revision, the guard of the member's record updates. */
    long revision() {
        return revision;
    }

    /** True while registered on the session's current, valid lease: the member may claim. */
    boolean active() {
        return lease != 0 && session.lease() == lease && session.isValid();
    }

    /** The registration is void: the session that held it is lost. */
    void lost() {
        lease = 0;
    }

    /**
     * The member key's create revision when {@code result} shows it registered on {@code lease}:
     * written by this transaction, or found already on this lease, because an earlier attempt
     * whose answer was lost (a timeout) did land. Empty when someone else holds the key.
     */
    static OptionalLong registrationOn(TxnResult result, long lease) {
        if (result.succeeded()) {
            return OptionalLong.of(result.revision());
        }
        return result.gets().get(0).stream().filter(kv -> kv.lease() == lease)
                .mapToLong(KeyValue::createRevision).findFirst();
    }

    /** Registers the member key, waiting (up to {@code joinTimeout}) for a previous holder of the id to go. */
    void registerAtStart(MemberRecord record, Duration joinTimeout, String memberKey) {
        long deadline = System.nanoTime() + joinTimeout.toNanos();
        Backoff retry = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        String holder;
        while (true) {
            long current = session.lease();
            try {
                TxnResult result = writes.register(member, record, current).join();
                OptionalLong registered = registrationOn(result, current);
                if (registered.isPresent()) {
                    lease = current;
                    revision = registered.getAsLong();
                    return;
                }
                holder = result.gets().get(0).stream().findFirst().map(kv -> "lease " + Long.toHexString(kv.lease()))
                        .orElse("an unknown holder");
            } catch (RuntimeException e) {
                holder = "an unanswered registration (" + Etcd.unwrap(e) + ")";
            }
            long delay = retry.next().toNanos();
            if (System.nanoTime() + delay - deadline > 0) {
                throw new IllegalStateException("member id \"" + member + "\" is still registered under " + memberKey
                        + " by " + holder + " after " + joinTimeout + "; is another member running with this id?");
            }
            try {
                TimeUnit.NANOSECONDS.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while member " + member + " was joining", e);
            }
        }
    }

    /**
     * Registers again on {@code newLease} after a lost session renewed itself, retrying with
     * backoff while that lease is the session's; runs {@code registered} once it holds.
     */
    void registerAgain(long newLease, MemberRecord record, Runnable registered) {
        writes.register(member, record, newLease).whenCompleteAsync((result, error) -> {
            if (lease == newLease || session.lease() != newLease) {
                return;
            }
            OptionalLong written = error == null ? registrationOn(result, newLease) : OptionalLong.empty();
            if (written.isPresent()) {
                lease = newLease;
                revision = written.getAsLong();
                backoff.reset();
                LOG.info("member {} registered again with lease {}", member, Long.toHexString(newLease));
                registered.run();
                return;
            }
            try {
                control.schedule(() -> {
                    if (lease != newLease && session.lease() == newLease) {
                        registerAgain(newLease, record, registered);
                    }
                }, backoff.next().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closed) {
                LOG.debug("member {} is closed; stopped registering again", member);
            }
        }, control);
    }

    /** Removes the member key if it is still this registration's; completes either way. */
    CompletableFuture<Void> deregister() {
        if (lease == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return writes.deregister(member, revision).handle((result, error) -> null);
    }
}
