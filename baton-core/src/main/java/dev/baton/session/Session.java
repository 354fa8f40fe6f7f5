package dev.baton.session;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.LeaseGrant;
import dev.baton.etcd.SerialExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's session: one lease, kept alive every TTL/3, with the states described in the package
 * documentation. Open one with {@link #builder(Etcd)}; close it to revoke the lease.
 *
 * <p>All state changes happen on the session's own timer thread ({@code baton-session-timer}); the
 * keep-alive requests themselves are asynchronous, so a slow store never blocks the deadline check.
 */
public final class Session implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** The shortest TTL accepted: below it a keep-alive interval leaves no room for one retry. */
    public static final Duration MIN_TTL = Duration.ofSeconds(2);
    /** How long a lost session tries to renew: until closed, in effect (about 73 years). */
    private static final long RENEW_FOREVER_NANOS = Long.MAX_VALUE / 4;
    /** A request never done: waiting on it waits only for the connection's return or a timeout. */
    private static final CompletableFuture<Void> NEVER_DONE = new CompletableFuture<>();
    /**
     * How many TTLs a lost lease's revocation is tried for: by then it has expired, unless
     * elections in the store kept extending it.
     */
    private static final int LOST_LEASE_PATIENCE_TTLS = 3;

    private final Etcd etcd;
    private final Duration ttl;
    private final long marginNanos;
    private final long intervalNanos;
    private final Duration openTimeout;
    private final Ticker ticker;
    private final ScheduledExecutorService timer;
    private final SerialExecutor delivery;
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final Backoff keepAliveBackoff;
    private final LostLeaseRevoker lostLeases;

    // Written on the timer thread only; read anywhere.
    private volatile long lease;
    private volatile long deadlineNanos;
    private volatile SessionState state;
    private ScheduledFuture<?> nextKeepAlive;
    private ScheduledFuture<?> deadlineCheck;
    /** Guards the two fields below and is notified when a request ends or the connection is back. */
    private final Object wake = new Object();
    private CompletableFuture<Void> watchedReconnect;
    private long reconnects;

    private Session(Builder builder) {
        this.etcd = builder.etcd;
        this.ttl = builder.ttl;
        this.marginNanos = builder.margin == null ? ttl.toNanos() / 5 : builder.margin.toNanos();
        this.intervalNanos = ttl.toNanos() / 3;
        this.openTimeout = builder.openTimeout;
        this.ticker = builder.ticker;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "baton-session-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.delivery = new SerialExecutor(etcd.callbackExecutor());
        this.keepAliveBackoff = new Backoff(Duration.ofMillis(100), Duration.ofNanos(Math.max(intervalNanos / 2, 1_000_000)));
        this.lostLeases = new LostLeaseRevoker(etcd, timer, ttl.multipliedBy(LOST_LEASE_PATIENCE_TTLS),
                () -> state == SessionState.CLOSED);
    }

    /** Starts building a session on {@code etcd}. */
    public static Builder builder(Etcd etcd) {
        return new Builder(Objects.requireNonNull(etcd, "etcd"));
    }

    /** The current lease; it changes when a lost session renews itself. */
    public long lease() {
        return lease;
    }

    public SessionState state() {
        return state;
    }

    public Etcd etcd() {
        return etcd;
    }

    /** The lease TTL the session asks etcd for. */
    public Duration ttl() {
        return ttl;
    }

    /**
     * True while the session is CONNECTED or SUSPENDED and its local deadline has not passed,
     * checked against the clock now. Anything held under {@link #lease()} is safe to act on only
     * while this holds; writes must still be fenced, as this can turn false at any instant.
     */
    public boolean isValid() {
        SessionState current = state;
        return (current == SessionState.CONNECTED || current == SessionState.SUSPENDED)
                && ticker.nanos() - deadlineNanos < 0;
    }

    /** Time left until the local deadline, zero once it passed. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - ticker.nanos()));
    }

    /** Adds a listener; it is told the current state first, then every change. */
    public void addListener(SessionListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        SessionState current = state;
        long currentLease = lease;
        delivery.execute(() -> listener.onStateChange(current, currentLease));
    }

    public void removeListener(SessionListener listener) {
        listeners.remove(listener);
    }

    private Session open() {
        try {
            grantWithRetries(ticker.nanos() + openTimeout.toNanos());
            return this;
        } catch (RuntimeException e) {
            timer.shutdownNow();
            throw e;
        }
    }

    /**
     * Grants a lease, retrying with backoff until {@code giveUpNanos}; on success the session is
     * CONNECTED with it. Runs on the caller's thread at open and on the timer thread after a loss.
     *
     * <p>When the connection comes back while a request retries inside jetcd or while the backoff
     * runs, a fresh request goes at once: after an outage, a session is back within a round trip of
     * its connection, however long the outage and its backoff were. A lease the abandoned request
     * still obtains is revoked when it arrives.
     */
    private void grantWithRetries(long giveUpNanos) {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        Throwable lastError = null;
        try {
            while (state != SessionState.CLOSED) {
                long reconnectsBefore = watchReconnect();
                long sent = ticker.nanos();
                CompletableFuture<LeaseGrant> request = etcd.grantLease(ttl);
                request.whenComplete((grant, error) -> wake());
                if (!awaitDoneOrReconnect(request, reconnectsBefore, Long.MAX_VALUE)) {
                    request.thenAccept(late -> etcd.revokeLease(late.id()));
                    if (ticker.nanos() - giveUpNanos > 0) {
                        throw new SessionOpenException("could not open a session on etcd at " + etcd.endpoints()
                                + " within " + openTimeout + ": its connection kept failing", lastError);
                    }
                    continue;
                }
                try {
                    LeaseGrant grant = request.get();
                    if (lastError != null) {
                        LOG.info("etcd at {} reachable again", etcd.endpoints());
                    }
                    if (ticker.nanos() - sent > intervalNanos) {
                        // A slow grant (a cold JVM, a loaded store) leaves little of the deadline it
                        // implies; one keep-alive sent now dates the lease afresh.
                        sent = ticker.nanos();
                        etcd.keepAliveOnce(grant.id()).get();
                    }
                    startLease(grant, sent);
                    return;
                } catch (ExecutionException e) {
                    Throwable cause = Etcd.unwrap(e);
                    if (lastError == null) {
                        LOG.warn("cannot grant a lease on etcd at {} ({}); retrying with backoff, and at once when "
                                + "the connection is back", etcd.endpoints(), cause.toString());
                    }
                    lastError = cause;
                }
                long delay = backoff.next().toNanos();
                if (ticker.nanos() + delay - giveUpNanos > 0) {
                    throw new SessionOpenException("could not open a session on etcd at " + etcd.endpoints() + " within "
                            + openTimeout + ": " + lastError, lastError);
                }
                LOG.debug("lease grant failed ({}); next attempt in {} ms, or as soon as the connection is back",
                        lastError, TimeUnit.NANOSECONDS.toMillis(delay));
                awaitDoneOrReconnect(NEVER_DONE, reconnectsBefore, delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionOpenException("interrupted while opening a session on " + etcd.endpoints(), e);
        }
    }

    /**
     * Follows the connection's next return (once per outage, however many retries wait for it) and
     * gives how many returns were seen so far.
     */
    private long watchReconnect() {
        CompletableFuture<Void> next = etcd.nextReconnect().toCompletableFuture();
        synchronized (wake) {
            if (next != watchedReconnect) {
                watchedReconnect = next;
                next.thenRun(this::reconnected);
            }
            return reconnects;
        }
    }

    /** The connection is back: a waiting grant or keep-alive goes now instead of after its backoff. */
    private void reconnected() {
        synchronized (wake) {
            reconnects++;
            wake.notifyAll();
        }
        try {
            timer.execute(this::keepAliveNowIfWaiting);
        } catch (RejectedExecutionException e) {
            // Closed: nothing to keep alive.
        }
    }

    private void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /**
     * Waits until {@code request} is done (true), or the connection came back since
     * {@code reconnectsBefore} was read, or {@code timeoutNanos} passed, or the session closed (false).
     */
    private boolean awaitDoneOrReconnect(CompletableFuture<?> request, long reconnectsBefore, long timeoutNanos)
            throws InterruptedException {
        long until = System.nanoTime() + Math.min(timeoutNanos, Long.MAX_VALUE / 2);
        synchronized (wake) {
            while (!request.isDone()) {
                long left = until - System.nanoTime();
                if (reconnects != reconnectsBefore || left <= 0 || state == SessionState.CLOSED) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(wake, left);
            }
            return true;
        }
    }

    private void startLease(LeaseGrant grant, long sentNanos) {
        synchronized (this) {
            if (state == SessionState.CLOSED) {
                etcd.revokeLease(grant.id());
                return;
            }
            lease = grant.id();
            deadlineNanos = sentNanos + TimeUnit.SECONDS.toNanos(grant.ttlSeconds()) - marginNanos;
            transition(SessionState.CONNECTED);
            LOG.info("session opened with lease {} (ttl {} s, keep-alive every {} ms)", Long.toHexString(grant.id()),
                    grant.ttlSeconds(), TimeUnit.NANOSECONDS.toMillis(intervalNanos));
            scheduleKeepAlive(Math.max(0, sentNanos + intervalNanos - ticker.nanos()));
            scheduleDeadlineCheck();
        }
    }

    private void scheduleKeepAlive(long delayNanos) {
        nextKeepAlive = timer.schedule(this::keepAlive, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void scheduleDeadlineCheck() {
        if (deadlineCheck != null) {
            deadlineCheck.cancel(false);
        }
        long delay = Math.max(0, deadlineNanos - ticker.nanos());
        deadlineCheck = timer.schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
    }

    private void keepAlive() {
        long leaseAtSend = lease;
        long sent = ticker.nanos();
        etcd.keepAliveOnce(leaseAtSend)
                .orTimeout(intervalNanos, TimeUnit.NANOSECONDS)
                .whenCompleteAsync((grantedTtl, error) -> onKeepAliveResult(leaseAtSend, sent, grantedTtl, error), timer);
    }

    private synchronized void onKeepAliveResult(long leaseAtSend, long sentNanos, Long grantedTtl, Throwable error) {
        if (leaseAtSend != lease || state == SessionState.CLOSED || state == SessionState.LOST) {
            return;
        }
        if (ticker.nanos() - deadlineNanos >= 0) {
            checkDeadline();
            return;
        }
        if (error == null) {
            long candidate = sentNanos + TimeUnit.SECONDS.toNanos(grantedTtl) - marginNanos;
            if (candidate - deadlineNanos > 0) {
                deadlineNanos = candidate;
            }
            keepAliveBackoff.reset();
            if (state != SessionState.CONNECTED) {
                LOG.info("session lease {} keep-alive acknowledged again; connected", Long.toHexString(lease));
                transition(SessionState.CONNECTED);
            }
            scheduleKeepAlive(Math.max(0, sentNanos + intervalNanos - ticker.nanos()));
            return;
        }
        Throwable cause = Etcd.unwrap(error);
        if (Etcd.isLeaseGone(cause)) {
            LOG.warn("session lease {} no longer exists in etcd", Long.toHexString(lease));
            lose();
            return;
        }
        if (state == SessionState.CONNECTED) {
            String why = cause instanceof TimeoutException ? "no answer within the keep-alive interval" : cause.toString();
            LOG.warn("session lease {} keep-alive failed ({}); suspended, {} ms until lost", Long.toHexString(lease), why,
                    TimeUnit.NANOSECONDS.toMillis(deadlineNanos - ticker.nanos()));
            transition(SessionState.SUSPENDED);
        }
        long delay = Math.max(0, Math.min(keepAliveBackoff.next().toNanos(), deadlineNanos - ticker.nanos()));
        LOG.debug("keep-alive of lease {} failed ({}); next in {} ms, or as soon as the connection is back",
                Long.toHexString(lease), cause, TimeUnit.NANOSECONDS.toMillis(delay));
        scheduleKeepAlive(delay);
        watchReconnect();
    }

    /** A suspended session's next keep-alive goes now, not after its backoff: the connection is back. */
    private synchronized void keepAliveNowIfWaiting() {
        if (state == SessionState.SUSPENDED && nextKeepAlive != null && nextKeepAlive.cancel(false)) {
            keepAlive();
        }
    }


    private synchronized void checkDeadline() {
        if (state == SessionState.CLOSED || state == SessionState.LOST) {
            return;
        }
        if (ticker.nanos() - deadlineNanos < 0) {
            scheduleDeadlineCheck();
            return;
        }
        LOG.warn("session lease {} lost: no keep-alive acknowledged in time (ttl {}, margin {} ms)", Long.toHexString(lease),
                ttl, TimeUnit.NANOSECONDS.toMillis(marginNanos));
        lose();
    }

    /** Steps down, then renews: a new lease is granted with backoff, then the lost one revoked. */
    private void lose() {
        long lostLease = lease;
        if (nextKeepAlive != null) {
            nextKeepAlive.cancel(false);
        }
        transition(SessionState.LOST);
        timer.execute(() -> renew(lostLease));
    }

    private void renew(long lostLease) {
        if (state == SessionState.CLOSED) {
            return;
        }
        try {
            grantWithRetries(ticker.nanos() + RENEW_FOREVER_NANOS);
        } catch (SessionOpenException e) {
            if (state != SessionState.CLOSED) {
                LOG.warn("session renewal stopped: {}", e.getMessage());
            }
            return;
        }
        // A session is mostly lost while the store cannot serve (no member has a leader, or it is
        // unreachable), and a revocation sent then fails. Once the store grants leases again it
        // can revoke: the lost lease's keys (a leader key, owner keys) go at once instead of when
        // it expires, up to a TTL and an election later, since a new etcd leader extends every lease.
        lostLeases.revoke(lostLease);
    }

    private void transition(SessionState next) {
        state = next;
        long currentLease = lease;
        for (SessionListener listener : listeners) {
            delivery.execute(() -> listener.onStateChange(next, currentLease));
        }
    }

    /**
     * Revokes the lease (so every key bound to it is deleted at once and successors take over),
     * tells listeners CLOSED and stops the timer. Idempotent; returns within the request timeout.
     */
    @Override
    public void close() {
        long leaseToRevoke;
        synchronized (this) {
            if (state == SessionState.CLOSED) {
                return;
            }
            leaseToRevoke = lease;
            transition(SessionState.CLOSED);
            wake();
            if (nextKeepAlive != null) {
                nextKeepAlive.cancel(false);
            }
            if (deadlineCheck != null) {
                deadlineCheck.cancel(false);
            }
        }
        try {
            etcd.revokeLease(leaseToRevoke).get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("session closed; lease {} revoked", Long.toHexString(leaseToRevoke));
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("session closed; revoking lease {} failed ({}), it expires within its ttl",
                    Long.toHexString(leaseToRevoke), Etcd.unwrap(e).toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
        }
    }

    /** Builds and opens a {@link Session}; every setting is validated and names the bad value. */
    public static final class Builder {
        private final Etcd etcd;
        private Duration ttl = Duration.ofSeconds(10);
        private Duration margin;
        private Duration openTimeout = Duration.ofSeconds(10);
        private Ticker ticker = Ticker.system();

        private Builder(Etcd etcd) {
            this.etcd = etcd;
        }

        /** The lease TTL, at least 2 s, in whole seconds; default 10 s. */
        public Builder ttl(Duration ttl) {
            if (ttl == null || ttl.compareTo(MIN_TTL) < 0) {
                throw new IllegalArgumentException("session ttl must be at least " + MIN_TTL + ", got " + ttl);
            }
            if (ttl.toNanos() % 1_000_000_000L != 0) {
                throw new IllegalArgumentException("session ttl must be whole seconds (etcd leases are), got " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /**
         * How long before etcd could expire the lease the session declares it LOST; default TTL/5.
         * Must be at least 0 and leave the deadline after the next keep-alive: below TTL·2/3.
         */
        public Builder margin(Duration margin) {
            if (margin == null || margin.isNegative()) {
                throw new IllegalArgumentException("session margin must be >= 0, got " + margin);
            }
            this.margin = margin;
            return this;
        }

        /** How long {@link #open()} keeps trying to reach the store; default 10 s. */
        public Builder openTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("session open timeout must be positive, got " + timeout);
            }
            this.openTimeout = timeout;
            return this;
        }

        /** The monotonic clock deadlines are measured on; default {@link System#nanoTime()}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Grants the lease and starts keeping it alive. Retries an unreachable store with backoff
         * and fails with {@link SessionOpenException} naming the endpoints after the open timeout.
         */
        public Session open() {
            if (margin != null && margin.multipliedBy(3).compareTo(ttl.multipliedBy(2)) >= 0) {
                throw new IllegalArgumentException("session margin " + margin + " must be below two thirds of the ttl "
                        + ttl + ", or the session would be lost between two keep-alives");
            }
            return new Session(this).open();
        }
    }
}
