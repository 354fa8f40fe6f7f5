package dev.baton.session;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes a lost lease until it is gone, so the keys bound to it (a leader key, owner keys) go at
 * once instead of when the lease expires, which can be a TTL and an election later: a new etcd
 * leader extends every lease when it takes over. A session is mostly lost while the store cannot
 * serve, and a revocation sent then fails; this one is tried again with backoff (100 ms, doubling
 * up to 2 s) until the store answers that the lease is revoked or no longer exists, for at most
 * {@code patience}, and stops once the session is closed. Attempts run on the session's timer, one
 * at a time, never in a busy loop; the outcome is logged in one line.
 */
final class LostLeaseRevoker {

    private static final Logger LOG = LoggerFactory.getLogger(LostLeaseRevoker.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(2);

    private final Etcd etcd;
    private final ScheduledExecutorService timer;
    private final Duration patience;
    private final BooleanSupplier closed;

    /**
     * @param timer    where the attempts are scheduled
     * @param patience how long to keep trying a lease
     * @param closed   true once the session is closed: attempts stop
     */
    LostLeaseRevoker(Etcd etcd, ScheduledExecutorService timer, Duration patience, BooleanSupplier closed) {
        this.etcd = etcd;
        this.timer = timer;
        this.patience = patience;
        this.closed = closed;
    }

    /**
     * Starts revoking {@code lease}; the result completes true once the lease is revoked or no
     * longer exists, false when the revoker gave up (patience spent, session closed).
     */
    CompletableFuture<Boolean> revoke(long lease) {
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        attempt(lease, new Backoff(FIRST_RETRY, LONGEST_RETRY), System.nanoTime() + patience.toNanos(), 1, outcome);
        return outcome;
    }

    private void attempt(long lease, Backoff backoff, long giveUpNanos, int attempt,
                         CompletableFuture<Boolean> outcome) {
        if (closed.getAsBoolean()) {
            LOG.debug("revocation of lost lease {} stopped after {} attempts: the session is closed",
                    Long.toHexString(lease), attempt - 1);
            outcome.complete(false);
            return;
        }
        etcd.revokeLease(lease).whenComplete((ignored, error) -> {
            if (error == null || Etcd.isLeaseGone(error)) {
                LOG.info("lost lease {} {} (attempt {})", Long.toHexString(lease),
                        error == null ? "revoked" : "already gone", attempt);
                outcome.complete(true);
                return;
            }
            long delay = backoff.next().toNanos();
            if (System.nanoTime() + delay - giveUpNanos > 0) {
                LOG.warn("lost lease {} not revoked after {} attempts ({}); it expires by itself",
                        Long.toHexString(lease), attempt, Etcd.unwrap(error).toString());
                outcome.complete(false);
                return;
            }
            try {
                timer.schedule(() -> attempt(lease, backoff, giveUpNanos, attempt + 1, outcome), delay,
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The session closed and stopped its timer.
                outcome.complete(false);
            }
        });
    }
}
