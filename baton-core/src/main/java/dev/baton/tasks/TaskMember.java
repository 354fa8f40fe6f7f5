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
 * key), {@link MemberCommands}, the {@link TaskPlanner} run when its {@link PassScheduler} says,
 * the plan's {@link SpareClaims}, the {@link ClaimPipeline}, {@link MemberRuns} (one
 * {@link TaskRun} per claim), the {@link HandlerRunner}, and the {@link TxnBatcher} through which
 * every claim and every fenced write of a run reaches the store. {@link TaskMemberBuilder} holds
 * and checks its settings.
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

    private final SpareClaims spares;

    // Control-thread state.
    private long lostLease;
    private boolean frozen;
    private boolean closing;
    private boolean loaded;
    private boolean changesQueued;
    private int sessionLosses;

    private TaskMember(TaskMemberBuilder builder, Session session, boolean ownsSession) {
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
        this.batcher = new TxnBatcher(etcd, control, ClaimPipeline.REQUESTS_IN_FLIGHT);
        this.feed = new NamespaceWatch(etcd, keys.namespace(), control, builder.joinTimeout);
        this.table = new TaskTable(keys, false);
        this.holdOff = new ReleaseHoldOff(clock, builder.releaseHoldOff);
        this.planner = new TaskPlanner(builder.balancer);
        this.registration = new Registration(id, session, writes, control);
        this.commands = new MemberCommands(id, writes, control, clock, new CommandTarget());
        this.claims = new ClaimPipeline(id, writes, batcher, control, new ClaimListener());
        this.runs = new MemberRuns(id, table, writes, batcher, handlers, commands, holdOff, control, machine, clock,
                new SlotListener());
        this.spares = new SpareClaims(table, runs::holds, holdOff, clock);
        this.passes = new PassScheduler(new Passes(), new PassPacing(PassPacing.MEMBER_MIN, PassPacing.MEMBER_MAX),
                this::schedule, System::nanoTime, clock);
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
        spares.plan(plan.spares());
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
        if (frozen || closing || !loaded || !registration.active()) {
            return false;
        }
        List<TaskId> claim = spares.take(freeSlots());
        if (spares.halfUsed()) {
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
                holdOff.until(), Math.max(0, Math.min(room, ClaimPipeline.MAX_PER_PASS)),
                SpareClaims.wanted(maxTasks),
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
}
