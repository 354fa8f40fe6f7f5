package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.TxnResult;
import dev.baton.etcd.WatchEvent;
import dev.baton.session.Session;
import dev.baton.session.SessionListener;
import dev.baton.session.SessionState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a task fleet: it joins with a {@link Session}, follows the task namespace, asks its
 * {@link Balancer} (through the pure {@link TaskPlanner}) which tasks to claim and release, and
 * runs the claimed tasks' handlers. See the package documentation for the model, the guarantees
 * and the cost model.
 *
 * <p>The member is a small shell around parts with one job each: {@link Registration} (its member
 * key), {@link MemberCommands}, {@link Balancing} (the pure {@link TaskPlanner}, paced by its
 * {@link PassScheduler}), the {@link ClaimPipeline}, {@link MemberRuns} (one {@link TaskRun} per
 * claim), {@link LeaseLoss}, the {@link HandlerRunner}, and the {@link TxnBatcher} through which
 * every claim and every fenced write of a run reaches the store, all on one {@link ControlThread}.
 * {@link TaskMemberBuilder} holds and checks its settings.
 *
 * <p>Threads: one control thread ({@code baton-tasks-<member>}) makes every decision and every
 * store request of the member; handlers run on the member's handler threads
 * ({@code baton-task-<member>-N}): one per task it may hold for a blocking handler, a few for a
 * non-blocking one ({@link AsyncTaskHandler}).
 *
 * <p>Session states: while CONNECTED or SUSPENDED the member works normally (its claims are safe
 * until the session's local deadline, and every write is fenced anyway). On LOST every handler
 * is told to stop at once ({@link StopReason#SESSION_LOST}), every claim is void, and no write
 * made for one can land; once the session is CONNECTED again with a new lease the member
 * registers again and claims anew. If the session is closed under it, the member stops working.
 *
 * <p>{@link #close()} shuts down within its stop timeout plus about one request timeout: it
 * deregisters (so the others rebalance at once), tells every handler to stop, persists what they
 * return, releases the unfinished tasks, and revokes the lease when the member opened its own
 * session.
 */
public final class TaskMember implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskMember.class);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(5);

    private final String id;
    private final Keyspace keys;
    private final Session session;
    private final boolean ownsSession;
    private final Etcd etcd;
    private final Clock clock;
    private final Duration stopTimeout;
    private final ControlThread control;
    private final HandlerRunner handlers;
    private final TaskStateMachine machine;
    private final TaskWrites writes;
    private final TxnBatcher batcher;
    private final NamespaceFeed feed;
    private final TaskTable table;
    private final ReleaseHoldOff holdOff;
    private final Balancing balancing;
    private final Registration registration;
    private final MemberCommands commands;
    private final ClaimPipeline claims;
    private final MemberRuns runs;
    private final LeaseLoss leaseLoss;
    private final SessionListener sessionListener = this::onSessionChange;
    private final CompletableFuture<Void> allEnded = new CompletableFuture<>();
    private final AtomicInteger closeCalls = new AtomicInteger();

    // Control-thread state.
    private boolean frozen;
    private boolean closing;
    private boolean loaded;
    private boolean changesQueued;

    private TaskMember(TaskMemberBuilder builder, Session session, boolean ownsSession) {
        this.id = builder.id;
        this.keys = new Keyspace(builder.namespace);
        this.session = session;
        this.ownsSession = ownsSession;
        this.etcd = session.etcd();
        this.clock = builder.clock;
        int maxTasks = builder.maxConcurrentTasks;
        this.stopTimeout = builder.stopTimeout;
        this.control = new ControlThread(id);
        ScheduledExecutorService thread = control.executor();
        this.handlers = new HandlerRunner(id, builder.body,
                builder.blocking ? maxTasks : Math.min(maxTasks, HandlerRunner.ASYNC_THREADS), maxTasks);
        this.machine = TaskStateMachine.builder().clock(clock).retryPolicy(builder.retryPolicy).build();
        this.writes = new TaskWrites(etcd, keys);
        this.batcher = new TxnBatcher(etcd, thread, ClaimPipeline.REQUESTS_IN_FLIGHT);
        this.feed = new NamespaceWatch(etcd, keys.namespace(), thread, builder.joinTimeout);
        this.table = new TaskTable(keys, false);
        this.holdOff = new ReleaseHoldOff(clock, builder.releaseHoldOff);
        this.registration = new Registration(id, session, writes, thread);
        this.commands = new MemberCommands(id, writes, thread, clock, new CommandTarget());
        this.claims = new ClaimPipeline(id, writes, batcher, thread, new ClaimListener());
        this.runs = new MemberRuns(id, table, writes, batcher, handlers, commands, holdOff, thread, machine, clock,
                new SlotListener());
        this.leaseLoss = new LeaseLoss(id, session, registration, runs);
        Balancing.Limits limits = new Balancing.Limits(id, maxTasks, builder.claimAhead,
                new ClaimWindow(builder.claimWindow));
        this.balancing = new Balancing(limits, new TaskPlanner(builder.balancer), table, runs, claims, registration,
                holdOff, control, clock, new BalancedMember());
    }

    /** Starts building a member that joins with {@code session}, shared with other recipes; closing the member leaves it open. */
    public static TaskMemberBuilder builder(Session session, String memberId) {
        return new TaskMemberBuilder(Objects.requireNonNull(session, "session"), null, memberId);
    }

    /** Starts building a member that opens (and on close revokes) its own session on {@code etcd}. */
    public static TaskMemberBuilder builder(Etcd etcd, String memberId) {
        return new TaskMemberBuilder(null, Objects.requireNonNull(etcd, "etcd"), memberId);
    }

    /** This member's id. */
    public String id() {
        return id;
    }

    /** The session the member's claims are bound to. */
    public Session session() {
        return session;
    }

    /**
     * What the member holds now, with each task's state, since when and claim token, and the
     * commands it refused recently. Taken on the control thread; an empty account after close.
     */
    public MemberStatus status() {
        try {
            return control.ask(this::statusNow, STATUS_TIMEOUT,
                    new MemberStatus(id, session.state(), frozen, List.of(), List.of(), leaseLoss.count()));
        } catch (ControlThread.NoAnswerException e) {
            throw new IllegalStateException("member " + id + " did not report its status: " + e.getMessage(), e);
        }
    }

    private MemberStatus statusNow() {
        return new MemberStatus(id, session.state(), frozen, runs.held(), commands.rejected(), leaseLoss.count());
    }

    // ---- start ------------------------------------------------------------------------------

    /** Builds a member from {@code builder} on {@code session} and joins the fleet; see {@link TaskMemberBuilder#start()}. */
    static TaskMember start(TaskMemberBuilder builder, Session session, boolean ownsSession) {
        return new TaskMember(builder, session, ownsSession).join(builder.joinTimeout);
    }

    private TaskMember join(Duration joinTimeout) {
        try {
            registration.registerAtStart(new MemberRecord(false), joinTimeout, keys.member(id));
            feed.start(new NamespaceFeed.Listener() {
                @Override
                public void onContents(long revision, List<KeyValue> contents) {
                    table.resync(revision, contents);
                    changesSoon();
                }

                @Override
                public void onEvents(List<WatchEvent> events) {
                    table.apply(events);
                    changesSoon();
                }

                @Override
                public void onProgress(long revision) {
                    table.advanceTo(revision);
                }
            });
            onControlThread(() -> {
                loaded = true;
                balancing.request(true);
            });
            session.addListener(sessionListener);
            Balancing.Limits limits = balancing.limits();
            LOG.info("member {} joined {} with lease {} (runs at most {} tasks, claims {} ahead, claims up to {} "
                    + "before a task's not-before)", id, keys.namespace(), Long.toHexString(registration.lease()),
                    limits.maxTasks(), limits.claimAhead(), limits.window().length());
            return this;
        } catch (RuntimeException e) {
            registration.deregister();
            shutdownExecutors();
            if (ownsSession) {
                session.close();
            }
            throw e;
        }
    }

    // ---- reacting to the store and the session -----------------------------------------------

    /** Reacts to the changes applied so far, once the changes already queued on the control thread are in. */
    private void changesSoon() {
        if (!changesQueued) {
            changesQueued = true;
            onControlThread(() -> {
                changesQueued = false;
                onChanges(table.takeChanges());
            });
        }
    }

    private void onChanges(TaskTable.Changes changes) {
        leaseLoss.checkDeadline();
        runs.onChanges(changes);
        if (changes.memberCommands()) {
            commands.process();
        }
        if (changes.members()) {
            balancing.clearSpares();
        }
        if (changes.any()) {
            balancing.request(changes.members());
        }
    }

    private void onSessionChange(SessionState state, long lease) {
        onControlThread(() -> {
            switch (state) {
                case CONNECTED -> {
                    if (lease != registration.lease() && !closing) {
                        registration.registerAgain(lease, new MemberRecord(frozen), () -> {
                            if (!closing) {
                                commands.process();
                                balancing.request(true);
                            }
                        });
                    }
                }
                case SUSPENDED -> {
                    // Claims stay valid until the session's deadline; writes are fenced regardless.
                }
                case LOST -> leaseLoss.lose(lease, "lost");
                case CLOSED -> {
                    if (!closing) {
                        leaseLoss.lose(lease, "closed under the member; it stops working");
                    }
                }
            }
        });
    }

    /** A claim landed with {@code token}: start a run from the spec and state read with it. */
    private void claimed(TaskId task, long token, long lease, KeyValue specKv, KeyValue stateKv) {
        if (lease != registration.lease()) {
            return;
        }
        if (closing) {
            runs.giveUp(task, token);
        } else {
            runs.start(task, token, specKv, stateKv);
        }
    }

    private void checkAllEnded() {
        if (closing && runs.isEmpty() && claims.inFlight() == 0) {
            allEnded.complete(null);
        }
    }

    // ---- threads -----------------------------------------------------------------------------

    /** Runs {@code action} on the control thread; false when the member is closed and it will never run. */
    private boolean onControlThread(Runnable action) {
        boolean queued = control.execute(action);
        if (!queued) {
            LOG.debug("member {} is closed; dropped a control action", id);
        }
        return queued;
    }

    // ---- shutdown ----------------------------------------------------------------------------

    /**
     * Leaves the fleet within a bounded time: deregisters, tells every handler to stop, persists
     * what they return and releases the unfinished tasks, waiting up to the stop timeout; handlers
     * still running then are interrupted and their claims released anyway (their writes are
     * fenced from then on). Revokes the lease when the member opened its own session.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closeCalls.getAndIncrement() > 0) {
            return;
        }
        onControlThread(this::beginClose);
        boolean ended = await(allEnded, stopTimeout);
        if (!ended) {
            LOG.warn("member {}: handlers still running after {}; interrupting them and releasing their tasks",
                    id, stopTimeout);
            handlers.interrupt();
            onControlThread(this::releaseRemaining);
            await(allEnded, etcd.requestTimeout());
        }
        feed.close();
        session.removeListener(sessionListener);
        if (ownsSession) {
            session.close();
        }
        shutdownExecutors();
        LOG.info("member {} left {}", id, keys.namespace());
    }

    private void beginClose() {
        closing = true;
        balancing.stop();
        registration.deregister().whenCompleteAsync((result, error) -> {
            for (TaskRun run : runs.all()) {
                run.requestRelease(StopReason.SHUTDOWN, null);
            }
            checkAllEnded();
        }, control.executor());
    }

    /** After the stop timeout: gives up every remaining claim with a fenced delete, without waiting for handlers. */
    private void releaseRemaining() {
        List<CompletableFuture<TxnResult>> released = new ArrayList<>();
        for (TaskRun run : runs.all()) {
            released.add(runs.giveUp(run.id(), run.token()));
            run.lose(StopReason.SHUTDOWN);
        }
        runs.forgetLostHandlers();
        CompletableFuture.allOf(released.toArray(CompletableFuture[]::new))
                .whenComplete((result, error) -> allEnded.complete(null));
    }

    private static boolean await(CompletableFuture<Void> future, Duration timeout) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void shutdownExecutors() {
        control.shutdown(Duration.ofSeconds(2));
        handlers.shutdown(Duration.ofSeconds(2));
    }

    // ---- what the parts see of the member ------------------------------------------------------

    /** What balancing sees of the member. */
    private final class BalancedMember implements Balancing.Member {
        @Override
        public boolean mayPass() {
            return !closing && !commands.busy();
        }

        @Override
        public boolean ready() {
            leaseLoss.checkDeadline();
            return !closing && loaded && registration.active();
        }

        @Override
        public boolean frozen() {
            return frozen;
        }
    }

    /** What the member does when its runs free slots. */
    private final class SlotListener implements MemberRuns.Listener {
        @Override
        public void slotFreed(boolean runEnded) {
            if (closing) {
                checkAllEnded();
            } else if (runEnded) {
                balancing.request(!balancing.claimSpares());
            } else {
                balancing.request(true);
            }
        }

        @Override
        public void retiring() {
            if (!closing) {
                balancing.claimSpares();
            }
        }
    }

    /** What member commands act on. */
    private final class CommandTarget implements MemberCommands.Target {
        @Override
        public List<KeyValue> pending() {
            return table.memberCommands(id);
        }

        @Override
        public boolean present(String commandKey) {
            return table.hasCommand(commandKey);
        }

        @Override
        public boolean accepting() {
            return !closing && registration.lease() != 0;
        }

        @Override
        public void frozen(boolean frozen) {
            TaskMember.this.frozen = frozen;
            balancing.clearSpares();
        }

        @Override
        public void balance() {
            balancing.request(true);
        }

        @Override
        public boolean release(TaskId task, String commandKey) {
            TaskRun run = runs.get(task);
            if (run == null) {
                return false;
            }
            run.requestRelease(StopReason.RELEASED, commandKey);
            return true;
        }

        @Override
        public Registration registration() {
            return registration;
        }
    }

    /** What the claim pipeline reports. */
    private final class ClaimListener implements ClaimPipeline.Listener {
        @Override
        public void claimed(TaskId task, long token, long lease, KeyValue spec, KeyValue state) {
            TaskMember.this.claimed(task, token, lease, spec, state);
        }

        @Override
        public void settled() {
            if (closing) {
                checkAllEnded();
            } else {
                balancing.request(true);
            }
        }

        @Override
        public boolean leaseCurrent(long lease) {
            return session.lease() == lease && session.isValid();
        }
    }
}
