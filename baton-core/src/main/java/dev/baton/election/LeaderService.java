package dev.baton.election;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.session.SessionListener;
import dev.baton.session.SessionState;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs leader-only work while this member leads an election, and stops it the moment the
 * leadership is lost.
 *
 * <p>The service loops on one thread: wait until the session is CONNECTED, campaign, run the work
 * with the {@link Leadership} (so its writes can be fenced), and when the term ends campaign again
 * after a backoff. The work is either a periodic action, run at once when elected and then with a
 * fixed delay while the leadership holds (as a leader refreshes a shard list and reaps dead clients
 * every tick), or a long-running action. Either is a {@link LeaderAction}, which may throw, and is
 * interrupted the moment the leadership is lost; a long-running action that returns on its own,
 * or either action that throws {@link InterruptedException} while still leading, ends the term,
 * and the service resigns before it campaigns again. An action that throws another exception is
 * logged (once per change between failing and succeeding) and does not end the service: a
 * periodic action runs again at its next tick.
 *
 * <p>On each session state: CONNECTED — campaigns and works; SUSPENDED — keeps working, since the
 * leadership is valid until the session's deadline; LOST — the work is interrupted, and the service
 * waits for the session to be CONNECTED again (with a new lease) before it campaigns; CLOSED — the
 * work is interrupted and the service stops for good.
 */
public final class LeaderService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderService.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Election election;
    private final Session session;
    private final byte[] value;
    private final Duration period;
    private final LeaderAction periodic;
    private final LeaderAction longRunning;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final Duration closeTimeout;
    private final SessionListener sessionListener = (state, lease) -> wake();
    private final Object monitor = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile boolean closed;
    // Guarded by monitor.
    private Thread loopThread;
    private Candidacy candidacy;
    private Leadership term;
    private boolean actionFailing;

    private LeaderService(Builder builder) {
        this.election = Election.on(builder.session, builder.prefix);
        this.session = builder.session;
        this.value = builder.value;
        this.period = builder.period;
        this.periodic = builder.periodic;
        this.longRunning = builder.longRunning;
        this.backoffInitial = builder.backoffInitial;
        this.backoffMax = builder.backoffMax;
        this.closeTimeout = builder.closeTimeout;
        if (builder.executor != null) {
            this.executor = builder.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "baton-leader-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            this.executor = ownedExecutor;
        }
    }

    /**
     * Starts building a service that campaigns in election {@code prefix} on {@code session} with
     * {@code value} (what followers see, for instance this member's address).
     */
    public static Builder builder(Session session, String prefix, byte[] value) {
        return new Builder(session, prefix, value);
    }

    /** {@link #builder(Session, String, byte[])} with the UTF-8 bytes of {@code value}. */
    public static Builder builder(Session session, String prefix, String value) {
        return new Builder(session, prefix, Election.utf8(value));
    }

    /** The election the service campaigns in; use it to {@link Election#observe observe} the leader. */
    public Election election() {
        return election;
    }

    /** The current term's leadership while it is valid. */
    public Optional<Leadership> leadership() {
        synchronized (monitor) {
            return Optional.ofNullable(term).filter(Leadership::isValid);
        }
    }

    /** True while this member leads with a valid leadership. */
    public boolean isLeader() {
        return leadership().isPresent();
    }

    private LeaderService start() {
        session.addListener(sessionListener);
        executor.execute(this::loop);
        return this;
    }

    private void loop() {
        synchronized (monitor) {
            loopThread = Thread.currentThread();
        }
        Backoff backoff = new Backoff(backoffInitial, backoffMax);
        try {
            while (!closed) {
                try {
                    if (!awaitConnected()) {
                        LOG.info("session closed; leader service of \"{}\" stops", election.prefix());
                        return;
                    }
                    Leadership won = campaign();
                    backoff.reset();
                    serve(won);
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                } catch (CandidacyLostException | IllegalStateException e) {
                    LOG.info("campaign in \"{}\" ended: {}", election.prefix(), e.getMessage());
                }
                pause(backoff.next());
            }
        } finally {
            synchronized (monitor) {
                loopThread = null;
            }
            stopped.countDown();
        }
    }

    /** Waits until the session is CONNECTED and valid; false when it was closed. */
    private boolean awaitConnected() throws InterruptedException {
        synchronized (monitor) {
            while (!closed) {
                SessionState state = session.state();
                if (state == SessionState.CLOSED) {
                    return false;
                }
                if (state == SessionState.CONNECTED && session.isValid()) {
                    return true;
                }
                monitor.wait();
            }
            throw new InterruptedException("leader service closed");
        }
    }

    private Leadership campaign() throws InterruptedException {
        Candidacy running;
        synchronized (monitor) {
            if (closed) {
                throw new InterruptedException("leader service closed");
            }
            running = election.campaign(value);
            candidacy = running;
        }
        try {
            return running.elected().get();
        } catch (InterruptedException e) {
            running.withdraw();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = Etcd.unwrap(e);
            throw cause instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("campaign in \"" + election.prefix() + "\" failed", cause);
        }
    }

    /** Runs the work for one term; returns when it is lost, or when a long-running action returned. */
    private void serve(Leadership won) {
        synchronized (monitor) {
            if (closed) {
                return;
            }
            term = won;
        }
        won.lost().thenRun(() -> interruptTerm(won));
        try {
            if (periodic != null) {
                runPeriodically(won);
            } else {
                longRunning.run(won);
                actionSucceeded();
            }
        } catch (InterruptedException e) {
            LOG.debug("leader work of \"{}\" interrupted", election.prefix());
        } catch (Exception e) {
            actionFailed(e);
        } finally {
            synchronized (monitor) {
                term = null;
            }
            // An interrupt aimed at this term may land after the work returned; it must not end the next wait.
            Thread.interrupted();
        }
        if (won.isValid()) {
            LOG.info("leader work of \"{}\" returned while leading; resigning", election.prefix());
            awaitQuietly(won.resign());
        }
    }

    private void runPeriodically(Leadership won) throws InterruptedException {
        while (won.isValid()) {
            try {
                periodic.run(won);
                actionSucceeded();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                actionFailed(e);
            }
            try {
                won.lost().get(period.toNanos(), TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException e) {
                // The next tick is due.
            } catch (ExecutionException e) {
                return;
            }
        }
    }

    private void interruptTerm(Leadership won) {
        synchronized (monitor) {
            if (term == won && loopThread != null) {
                loopThread.interrupt();
            }
        }
    }

    private void actionSucceeded() {
        synchronized (monitor) {
            if (actionFailing) {
                LOG.info("leader action of \"{}\" succeeds again", election.prefix());
                actionFailing = false;
            }
        }
    }

    private void actionFailed(Exception e) {
        synchronized (monitor) {
            if (!actionFailing) {
                LOG.warn("leader action of \"{}\" failed", election.prefix(), e);
                actionFailing = true;
            } else {
                LOG.debug("leader action of \"{}\" failed again", election.prefix(), e);
            }
        }
    }

    private void pause(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        synchronized (monitor) {
            long remaining;
            while (!closed && (remaining = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, remaining);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void wake() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private void awaitQuietly(CompletableFuture<Void> step) {
        try {
            step.get(session.etcd().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("resigning from \"{}\" did not complete ({}); the lease will remove the key", election.prefix(),
                    Etcd.unwrap(e).toString());
        }
    }

    /**
     * Resigns (or withdraws the running candidacy), interrupts the work and stops the loop. Waits
     * up to the close timeout for the work to end and up to the request timeout for the resignation.
     * Idempotent.
     */
    @Override
    public void close() {
        Candidacy running;
        synchronized (monitor) {
            if (closed) {
                return;
            }
            closed = true;
            running = candidacy;
            monitor.notifyAll();
        }
        CompletableFuture<Void> withdrawn = running == null
                ? CompletableFuture.completedFuture(null) : running.withdraw();
        synchronized (monitor) {
            if (loopThread != null) {
                loopThread.interrupt();
            }
        }
        try {
            if (!stopped.await(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("leader work of \"{}\" did not stop within {} of being interrupted", election.prefix(), closeTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaitQuietly(withdrawn);
        session.removeListener(sessionListener);
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    /**
     * Leader-only work, run with the term's {@link Leadership} (whose {@code fence()} guards its
     * writes). It may throw; it must return promptly, or throw {@link InterruptedException}, once
     * its thread is interrupted.
     */
    @FunctionalInterface
    public interface LeaderAction {
        void run(Leadership leadership) throws Exception;
    }

    /** Builds a {@link LeaderService}; every setting is validated and names the bad value. */
    public static final class Builder {
        private final Session session;
        private final String prefix;
        private final byte[] value;
        private Duration period;
        private LeaderAction periodic;
        private LeaderAction longRunning;
        private Executor executor;
        private Duration backoffInitial = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(5);
        private Duration closeTimeout = Duration.ofSeconds(5);

        private Builder(Session session, String prefix, byte[] value) {
            this.session = Objects.requireNonNull(session, "session");
            ElectionPrefix.of(prefix);
            this.prefix = prefix;
            this.value = Election.checkValue(prefix, value);
        }

        /**
         * Runs {@code action} when elected and then every {@code period} (fixed delay) while
         * leading. An exception it throws is logged and the next tick comes as usual; an
         * {@link InterruptedException} ends the term.
         */
        public Builder periodic(Duration period, LeaderAction action) {
            if (period == null || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("leader action period must be positive, got " + period);
            }
            this.period = period;
            this.periodic = Objects.requireNonNull(action, "action");
            return this;
        }

        /** Runs {@code action} once per term; it is interrupted when the leadership is lost. */
        public Builder longRunning(LeaderAction action) {
            this.longRunning = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * Where the service's loop and its work run; it occupies one thread for the service's
         * lifetime. Default: an owned single thread named {@code baton-leader-N}, stopped on close.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The pause before campaigning again after a term or a failed campaign; default 100 ms doubling to 5 s. */
        public Builder backoff(Duration initial, Duration max) {
            if (initial == null || initial.isNegative() || initial.isZero()) {
                throw new IllegalArgumentException("initial backoff must be positive, got " + initial);
            }
            if (max == null || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " is below the initial backoff " + initial);
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** How long {@link #close()} waits for interrupted work to return; default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("close timeout must be >= 0, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** Starts the service; it campaigns as soon as the session is CONNECTED. */
        public LeaderService start() {
            if ((periodic == null) == (longRunning == null)) {
                throw new IllegalStateException("a leader service for \"" + prefix + "\" needs exactly one action: "
                        + (periodic == null ? "none was given" : "both a periodic and a long-running one were given")
                        + "; call periodic(...) or longRunning(...)");
            }
            return new LeaderService(this).start();
        }
    }
}
