package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Threads;
import dev.baton.etcd.TxnResult;
import dev.baton.etcd.WatchEvent;
import dev.baton.session.Session;
import dev.baton.session.SessionListener;
import dev.baton.session.SessionState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * key), {@link MemberCommands}, the {@link TaskPlanner} run when its {@link PassScheduler} says, the
 * {@link ClaimPipeline}, {@link MemberRuns} (one {@link TaskRun} per claim), the
 * {@link HandlerRunner}, and the {@link TxnBatcher} through which every claim and every fenced
 * write of a run reaches the store.
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
    /** The shortest time between two balancing passes; changes within it are taken in one pass. */
    static final Duration MIN_PASS_INTERVAL = Duration.ofMillis(20);
    /** The longest, reached while passes find nothing to do and only other members' claims arrive. */
    static final Duration MAX_PASS_INTERVAL = Duration.ofSeconds(1);
    /**
     * Requests a member keeps in flight at once (claims and fenced writes, many per request): one
     * while writes trickle in, since the store's cost is per request (a proposal and an fsync) and
     * what queues behind it leaves together in the next; up to this many while a bulk waits (see
     * {@link TxnBatcher#BULK}). Measured on etcd, 8 requests in flight for a trickle gave more,
     * smaller requests and no more throughput.
     */
    static final int MAX_REQUESTS_IN_FLIGHT = 4;
    /**
     * The most claims one pass sends: as many as fill the requests a member keeps in flight
     * (each carries {@link TxnBatcher#MAX_WRITES} less a claim's {@link TaskWrites#CLAIM_OPS}
     * operations of nested writes). A pass decides from what the member has
     * seen so far; while the fleet is changing (members starting or unfreezing one after another)
     * that view is briefly wrong, and a member claiming thousands at once on it would take far more
     * than its share and make the others' claims collide. Claiming in windows, each decided after
     * the last one settled, keeps every decision at most one window behind the store.
     */
    static final int MAX_CLAIMS_PER_PASS = MAX_REQUESTS_IN_FLIGHT * (TxnBatcher.MAX_WRITES - TaskWrites.CLAIM_OPS);
    /**
     * Spares a pass plans per task slot, up to {@link #MAX_SPARES}: enough for slots that free
     * many times before the next pass, which waits longer the longer passes take
     * ({@link PassPacing}). A spare another member took meanwhile is skipped, never claimed. Once
     * half of a plan's spares are used the member asks for the next pass, so a member working
     * through short tasks gets new spares before the last ones run out.
     */
    private static final int SPARES_PER_SLOT = 64;
    private static final int MAX_SPARES = 1024;

    private final String id;
    private final Keyspace keys;
    private final Session session;
    private final boolean ownsSession;
    private final Etcd etcd;
    private final Clock clock;
    private final int maxTasks;
    private final int claimAhead;
    private final Duration stopTimeout;
    private final ScheduledExecutorService control;
    private final HandlerRunner handlers;
    private final TaskStateMachine machine;
    private final TaskWrites writes;
    private final TxnBatcher batcher;
    private final NamespaceFeed feed;
    private final TaskTable table;
    private final ReleaseHoldOff holdOff;
    private final TaskPlanner planner;
    private final PassScheduler passes;
    private final Registration registration;
    private final MemberCommands commands;
    private final ClaimPipeline claims;
    private final MemberRuns runs;
    private final SessionListener sessionListener = this::onSessionChange;
    private final CompletableFuture<Void> allEnded = new CompletableFuture<>();
    private final AtomicInteger closeCalls = new AtomicInteger();

    // Control-thread state.
    /** The last plan's spare claims: taken as slots free, until the next pass or a change of members. */
    private final ArrayDeque<TaskId> spares = new ArrayDeque<>();
    /** How many spares the last plan left. */
    private int plannedSpares;
    private long lostLease;
    private boolean frozen;
    private boolean closing;
    private boolean loaded;
    private boolean changesQueued;
    private int sessionLosses;

    private TaskMember(Builder builder, Session session, boolean ownsSession) {
        this.id = builder.id;
        this.keys = new Keyspace(builder.namespace);
        this.session = session;
        this.ownsSession = ownsSession;
        this.etcd = session.etcd();
        this.clock = builder.clock;
        this.maxTasks = builder.maxConcurrentTasks;
        this.claimAhead = builder.claimAhead;
        this.stopTimeout = builder.stopTimeout;
        ScheduledThreadPoolExecutor controlThread = new ScheduledThreadPoolExecutor(1,
                Threads.named("baton-tasks-" + id));
        controlThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        controlThread.setRemoveOnCancelPolicy(true);
        this.control = controlThread;
        this.handlers = new HandlerRunner(id, builder.body,
                builder.blocking ? maxTasks : Math.min(maxTasks, HandlerRunner.ASYNC_THREADS), maxTasks);
        this.machine = TaskStateMachine.builder().clock(clock).retryPolicy(builder.retryPolicy).build();
        this.writes = new TaskWrites(etcd, keys);
        this.batcher = new TxnBatcher(etcd, control, MAX_REQUESTS_IN_FLIGHT);
        this.feed = new NamespaceWatch(etcd, keys.namespace(), control, builder.joinTimeout);
        this.table = new TaskTable(keys, false);
        this.holdOff = new ReleaseHoldOff(clock, builder.releaseHoldOff);
        this.planner = new TaskPlanner(builder.balancer);
        this.registration = new Registration(id, session, writes, control);
        this.commands = new MemberCommands(id, writes, control, clock, new CommandTarget());
        this.claims = new ClaimPipeline(id, writes, batcher, control, new ClaimListener());
        this.runs = new MemberRuns(id, table, writes, batcher, handlers, commands, holdOff, control, machine, clock,
                new SlotListener());
        this.passes = new PassScheduler(new Passes(), new PassPacing(MIN_PASS_INTERVAL, MAX_PASS_INTERVAL),
                this::schedule, System::nanoTime, clock);
    }

    /** Starts building a member that joins with {@code session}, shared with other recipes; closing the member leaves it open. */
    public static Builder builder(Session session, String memberId) {
        return new Builder(Objects.requireNonNull(session, "session"), null, memberId);
    }

    /** Starts building a member that opens (and on close revokes) its own session on {@code etcd}. */
    public static Builder builder(Etcd etcd, String memberId) {
        return new Builder(null, Objects.requireNonNull(etcd, "etcd"), memberId);
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
            return CompletableFuture.supplyAsync(this::statusNow, control)
                    .get(STATUS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return new MemberStatus(id, session.state(), frozen, List.of(), List.of(), sessionLosses);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("member " + id + " did not report its status within " + STATUS_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking member " + id + " for its status", e);
        }
    }

    private MemberStatus statusNow() {
        return new MemberStatus(id, session.state(), frozen, runs.held(), commands.rejected(), sessionLosses);
    }

    // ---- start ------------------------------------------------------------------------------

    private TaskMember start(Duration joinTimeout) {
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
                requestPass(true);
            });
            session.addListener(sessionListener);
            LOG.info("member {} joined {} with lease {} (runs at most {} tasks, claims {} ahead)", id,
                    keys.namespace(), Long.toHexString(registration.lease()), maxTasks, claimAhead);
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
        stepDownIfPastDeadline();
        changes.ownerEvents().forEach((task, revision) -> {
            TaskRun run = runs.get(task);
            if (run != null) {
                run.checkClaim(table.entry(task), revision);
            }
        });
        for (TaskId task : changes.commandedTasks()) {
            TaskRun run = runs.get(task);
            if (run != null) {
                run.onCommands();
            }
        }
        if (changes.memberCommands()) {
            commands.process();
        }
        if (changes.members()) {
            spares.clear();
        }
        if (changes.any()) {
            requestPass(changes.members());
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
                                requestPass(true);
                            }
                        });
                    }
                }
                case SUSPENDED -> {
                    // Claims stay valid until the session's deadline; writes are fenced regardless.
                }
                case LOST -> loseEverything(lease, "lost");
                case CLOSED -> {
                    if (!closing) {
                        loseEverything(lease, "closed under the member; it stops working");
                    }
                }
            }
        });
    }

    /**
     * Rule 3 from this side: news from the store can arrive (after a pause of the process, say)
     * before the session's timer has declared the lease lost; the claims are void either way.
     */
    private void stepDownIfPastDeadline() {
        long lease = registration.lease();
        if (lease != 0 && !session.isValid() && session.lease() == lease) {
            loseEverything(lease, "is past its deadline");
        }
    }

    private void loseEverything(long lease, String what) {
        if (lease == lostLease) {
            return;
        }
        lostLease = lease;
        registration.lost();
        sessionLosses++;
        List<TaskRun> lost = runs.all();
        for (TaskRun run : lost) {
            run.lose(StopReason.SESSION_LOST);
        }
        LOG.warn("member {}: session lease {} {}; told {} handlers to stop, their claims are void and fenced",
                id, Long.toHexString(lease), what, lost.size());
    }

    // ---- balancing ---------------------------------------------------------------------------

    private void requestPass(boolean urgent) {
        passes.request(urgent);
    }

    /** The member's side of {@link PassScheduler}. */
    private final class Passes implements PassScheduler.Member {
        @Override
        public boolean mayPass() {
            return !closing && claims.inFlight() == 0 && !commands.busy();
        }

        @Override
        public boolean pass() {
            stepDownIfPastDeadline();
            return !loaded || !registration.active() || TaskMember.this.pass();
        }
    }

    /** Plans one pass and applies it; true when it found nothing to do. */
    private boolean pass() {
        TaskPlanner.Plan plan;
        try {
            plan = planner.plan(planInput());
        } catch (RuntimeException e) {
            LOG.error("member {}: balancer failed; keeping what it holds", id, e);
            return true;
        }
        spares.clear();
        spares.addAll(plan.spares());
        plannedSpares = spares.size();
        LOG.debug("member {}: pass over {} tasks: holds {}, releases {}, claims {}", id, table.size(), runs.size(),
                plan.release().size(), plan.claim().size());
        plan.wakeAt().ifPresent(passes::wakeAt);
        for (TaskId task : plan.release()) {
            runs.get(task).requestRelease(StopReason.RELEASED, null);
        }
        List<TaskId> claim = plan.claim();
        if (!claim.isEmpty()) {
            claims.claim(claim, registration.lease(), i -> recordBytes(claim.get(i)));
        }
        return plan.idle();
    }

    /**
     * A slot freed: claims the last plan's spares that are still unclaimed, at once, instead of
     * waiting for the next pass (which still comes, and corrects anything the spares got wrong).
     * True when it sent claims.
     */
    private boolean claimSpares() {
        if (spares.isEmpty() || frozen || closing || !loaded || !registration.active()) {
            return false;
        }
        int room = freeSlots();
        Instant now = clock.instant();
        List<TaskId> claim = new ArrayList<>();
        while (claim.size() < room && !spares.isEmpty()) {
            TaskId task = spares.poll();
            TaskTable.Entry entry = table.entry(task);
            boolean due = entry != null && (entry.notBefore() == null || !entry.notBefore().isAfter(now));
            if (due && !entry.hasOwner() && entry.runnable() && !runs.holds(task) && !holdOff.isHeldOff(task)) {
                claim.add(task);
            }
        }
        if (spares.size() * 2 < plannedSpares) {
            plannedSpares = 0;
            requestPass(true);
        }
        if (claim.isEmpty()) {
            return false;
        }
        claims.claim(claim, registration.lease(), i -> recordBytes(claim.get(i)));
        return true;
    }

    private TaskPlanner.Input planInput() {
        Set<String> members = new HashSet<>();
        for (TaskTable.Member member : table.members()) {
            if (!member.frozen() && member.problem() == null) {
                members.add(member.id());
            }
        }
        int room = freeSlots();
        return new TaskPlanner.Input(id, registration.lease(), frozen, members, table.entries(), runs.heldClaims(),
                holdOff.until(), Math.max(0, Math.min(room, MAX_CLAIMS_PER_PASS)),
                Math.min(SPARES_PER_SLOT * maxTasks, MAX_SPARES),
                clock.instant());
    }

    /**
     * Tasks the member may take on now: what it may run and claim ahead, less what it runs (or
     * holds waiting to run), claims and still waits for.
     */
    private int freeSlots() {
        return maxTasks + claimAhead - runs.slotsTaken() - claims.inFlight();
    }

    private int recordBytes(TaskId task) {
        TaskTable.Entry entry = table.entry(task);
        return entry == null ? 0 : entry.recordBytes();
    }

    /** A claim landed with {@code token}: start a run from the spec and state read with it. */
    private void claimed(TaskId task, long token, long lease, KeyValue specKv, KeyValue stateKv) {
        if (lease != registration.lease()) {
            return;
        }
        if (closing) {
            batcher.send(writes.update(task, token, null, null, true));
            return;
        }
        TaskSpec spec;
        TaskState state;
        try {
            spec = TaskSpec.decode(Objects.requireNonNull(specKv, "spec").valueUtf8());
            state = stateKv == null ? TaskState.initial(spec.submitted()) : TaskState.decode(stateKv.valueUtf8());
        } catch (TaskFormatException | NullPointerException e) {
            LOG.warn("member {}: claimed task {} cannot be run ({}); releasing it", id, Excerpt.of(task.value()),
                    e.getMessage());
            holdOff.released(task);
            batcher.send(writes.update(task, token, null, null, true));
            return;
        }
        runs.start(task, token, spec, state, stateKv == null ? 0 : stateKv.modRevision());
    }

    private void checkAllEnded() {
        if (closing && runs.isEmpty() && claims.inFlight() == 0) {
            allEnded.complete(null);
        }
    }

    // ---- threads -----------------------------------------------------------------------------

    /** Runs {@code action} on the control thread; false when the member is closed and it will never run. */
    private boolean onControlThread(Runnable action) {
        try {
            control.execute(action);
            return true;
        } catch (RejectedExecutionException e) {
            LOG.debug("member {} is closed; dropped a control action", id);
            return false;
        }
    }

    private ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
        try {
            return control.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
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
        passes.stop();
        registration.deregister().whenCompleteAsync((result, error) -> {
            for (TaskRun run : runs.all()) {
                run.requestRelease(StopReason.SHUTDOWN, null);
            }
            checkAllEnded();
        }, control);
    }

    /** After the stop timeout: gives up every remaining claim with a fenced delete, without waiting for handlers. */
    private void releaseRemaining() {
        List<CompletableFuture<TxnResult>> released = new ArrayList<>();
        for (TaskRun run : runs.all()) {
            released.add(batcher.send(writes.update(run.id(), run.token(), null, null, true)));
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
        control.shutdown();
        try {
            if (!control.awaitTermination(2, TimeUnit.SECONDS)) {
                control.shutdownNow();
            }
        } catch (InterruptedException e) {
            control.shutdownNow();
            Thread.currentThread().interrupt();
        }
        handlers.shutdown(Duration.ofSeconds(2));
    }

    // ---- what the parts see of the member ------------------------------------------------------

    /** What the member does when its runs free slots. */
    private final class SlotListener implements MemberRuns.Listener {
        @Override
        public void slotFreed(boolean runEnded) {
            if (closing) {
                checkAllEnded();
            } else if (runEnded) {
                requestPass(!claimSpares());
            } else {
                requestPass(true);
            }
        }

        @Override
        public void retiring() {
            if (!closing) {
                claimSpares();
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
            spares.clear();
        }

        @Override
        public void balance() {
            requestPass(true);
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
                requestPass(true);
            }
        }

        @Override
        public boolean leaseCurrent(long lease) {
            return session.lease() == lease && session.isValid();
        }
    }

    /**
     * Builds and starts a {@link TaskMember}; every setting is validated when set and names the
     * bad value.
     */
    public static final class Builder {

        /** The most tasks a member holds and runs at once unless told otherwise. */
        public static final int DEFAULT_MAX_CONCURRENT_TASKS = 64;
        /** How long a released task is not claimed back by the member that released it. */
        public static final Duration DEFAULT_RELEASE_HOLD_OFF = Duration.ofSeconds(10);
        /** How long {@link TaskMember#close()} waits for handlers to stop. */
        public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
        /** How long {@link #start()} waits for a previous holder of the member id to go. */
        public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(30);
        /** The TTL of a session the member opens itself. */
        public static final Duration DEFAULT_SESSION_TTL = Duration.ofSeconds(10);

        private final Session session;
        private final Etcd etcd;
        private final String id;
        private String namespace = Keyspace.DEFAULT_NAMESPACE;
        private HandlerRunner.Body body;
        private boolean blocking;
        private Balancer balancer = new FairBalancer();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private int maxConcurrentTasks = DEFAULT_MAX_CONCURRENT_TASKS;
        private int claimAhead;
        private Duration releaseHoldOff = DEFAULT_RELEASE_HOLD_OFF;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private Duration joinTimeout = DEFAULT_JOIN_TIMEOUT;
        private Duration sessionTtl = DEFAULT_SESSION_TTL;

        private Builder(Session session, Etcd etcd, String id) {
            this.session = session;
            this.etcd = etcd;
            Objects.requireNonNull(id, "member id");
            this.id = KeySegment.check("member id", id);
        }

        /** The namespace of the task deployment, ending in {@code /}; default {@code baton/}. */
        public Builder namespace(String namespace) {
            this.namespace = Keyspace.checkNamespace(namespace);
            return this;
        }

        /** Runs tasks with a handler that needs no state between runs and blocks a thread while it works. */
        public Builder handler(TaskHandler handler) {
            Objects.requireNonNull(handler, "handler");
            this.body = HandlerRunner.blocking(context -> {
                handler.run(context);
                return TaskMessage.complete();
            });
            this.blocking = true;
            return this;
        }

        /** Runs tasks with a handler driven by each task's persisted state machine. */
        public Builder statefulHandler(StatefulTaskHandler handler) {
            Objects.requireNonNull(handler, "handler");
            this.body = HandlerRunner.blocking(context -> {
                TaskMessage outcome = handler.run(context);
                return outcome != null ? outcome : TaskMessage.error("the handler returned no message");
            });
            this.blocking = true;
            return this;
        }

        /**
         * Runs tasks with a handler that does not hold a thread while it waits: the member needs a
         * few handler threads whatever the number of tasks it holds.
         */
        public Builder asyncHandler(AsyncTaskHandler handler) {
            Objects.requireNonNull(handler, "handler");
            this.body = HandlerRunner.nonBlocking(handler);
            this.blocking = false;
            return this;
        }

        /** Decides what to claim and release; default {@link FairBalancer}. */
        public Builder balancer(Balancer balancer) {
            this.balancer = Objects.requireNonNull(balancer, "balancer");
            return this;
        }

        /** How faulting tasks are retried; default {@link RetryPolicy#defaults()}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** The wall clock for state instants and not-before times; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The most tasks run at once, at least 1; default {@value #DEFAULT_MAX_CONCURRENT_TASKS}. A
         * task whose work is over no longer counts while its retirement is written, so the next
         * task's claim travels with it.
         */
        public Builder maxConcurrentTasks(int maxConcurrentTasks) {
            if (maxConcurrentTasks < 1) {
                throw new IllegalArgumentException("maxConcurrentTasks must be at least 1, is " + maxConcurrentTasks);
            }
            this.maxConcurrentTasks = maxConcurrentTasks;
            return this;
        }

        /**
         * How many tasks the member claims beyond those it runs, not negative; default 0. They
         * wait, in claim order, for a running task to end, so a member working through many short
         * tasks never waits a claim's round trip for the next. They are held all the same: a
         * task waiting here is not run by another member with room, so keep this small when
         * tasks are long.
         */
        public Builder claimAhead(int claimAhead) {
            if (claimAhead < 0) {
                throw new IllegalArgumentException("claimAhead must not be negative, is " + claimAhead);
            }
            this.claimAhead = claimAhead;
            return this;
        }

        /** How long a task this member released is not claimed back by it; not negative; default 10 s. */
        public Builder releaseHoldOff(Duration releaseHoldOff) {
            Objects.requireNonNull(releaseHoldOff, "releaseHoldOff");
            if (releaseHoldOff.isNegative()) {
                throw new IllegalArgumentException("releaseHoldOff must not be negative, is " + releaseHoldOff);
            }
            this.releaseHoldOff = releaseHoldOff;
            return this;
        }

        /** How long close() waits for handlers to stop before interrupting them; positive; default 10 s. */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = positive("stopTimeout", stopTimeout);
            return this;
        }

        /** How long start() waits for a previous holder of the member id to go; positive; default 30 s. */
        public Builder joinTimeout(Duration joinTimeout) {
            this.joinTimeout = positive("joinTimeout", joinTimeout);
            return this;
        }

        /** The TTL of the session the member opens, when built with {@link #builder(Etcd, String)}; default 10 s. */
        public Builder sessionTtl(Duration sessionTtl) {
            if (etcd == null) {
                throw new IllegalStateException("sessionTtl applies only to a member that opens its own session");
            }
            this.sessionTtl = positive("sessionTtl", sessionTtl);
            return this;
        }

        /**
         * Joins the fleet: opens the session (if the member owns one), registers the member key
         * (waiting up to the join timeout for a previous holder of the id), reads the namespace and
         * starts balancing. Returns the running member.
         *
         * @throws IllegalStateException when no handler was set, or the member id stays taken
         */
        public TaskMember start() {
            if (body == null) {
                throw new IllegalStateException("member " + id + " needs a handler, a statefulHandler or an asyncHandler");
            }
            boolean owns = session == null;
            Session joined = owns ? Session.builder(etcd).ttl(sessionTtl).open() : session;
            return new TaskMember(this, joined, owns).start(joinTimeout);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, is " + value);
            }
            return value;
        }
    }
}
