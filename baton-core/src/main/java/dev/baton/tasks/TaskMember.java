package dev.baton.tasks;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyValue;
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
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a task fleet: it joins with a {@link Session}, follows the task namespace, asks its
 * {@link Balancer} which tasks to claim and release, and runs the claimed tasks' handlers on its
 * own threads. See the package documentation for the model and the guarantees.
 *
 * <p>Threads: one control thread ({@code baton-tasks-<member>}) makes every decision and every
 * store request of the member; handlers run on up to {@code maxConcurrentTasks} handler threads
 * ({@code baton-task-<member>-N}), which is also the most tasks the member holds at once.
 *
 * <p>Session states: while CONNECTED or SUSPENDED the member works normally (its claims are safe
 * until the session's local deadline, and every write is fenced anyway). On LOST every handler
 * is told to stop at once ({@link StopReason#SESSION_LOST}), every claim is void, and no write
 * made for one can land; once the session is CONNECTED again with a new lease the member
 * registers again and claims anew. If the session is closed under it, the member stops working.
 *
 * <p>{@link #close()} shuts down within a bounded time: it deregisters (so the others rebalance
 * at once), tells every handler to stop, persists what they return, releases the unfinished
 * tasks, and revokes the lease when the member opened its own session.
 */
public final class TaskMember implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskMember.class);
    private static final int MAX_REJECTED_KEPT = 100;
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Claims a member keeps in flight at once. A balancing pass may want thousands of tasks;
     * sending them all at once would queue more proposals than etcd accepts ("too many
     * requests") and starve every session's keep-alives behind them.
     */
    static final int MAX_CLAIMS_IN_FLIGHT = 128;
    /**
     * The shortest time between two balancing passes. A pass reads every task, so under a storm
     * of changes (thousands of claims a second across the fleet) passes are spaced out instead
     * of run once per change; a change after a quiet moment is balanced at once.
     */
    static final Duration MIN_PASS_INTERVAL = Duration.ofMillis(100);
    /**
     * The longest: while passes keep finding nothing to do and only other members' claims keep
     * arriving, the interval doubles up to this. A member joining or leaving, a command, a timer,
     * or a change in this member's own holdings brings it back to the shortest.
     */
    static final Duration MAX_PASS_INTERVAL = Duration.ofSeconds(1);
    /** Other writes (state changes, releases, retirements) a member keeps in flight at once. */
    static final int MAX_WRITES_IN_FLIGHT = 64;

    /** One run of a handler; null means the run ended without an outcome (it was stopped). */
    @FunctionalInterface
    private interface HandlerBody {
        TaskMessage run(TaskContext context) throws Exception;
    }

    private final String id;
    private final Keyspace keys;
    private final Session session;
    private final boolean ownsSession;
    private final Etcd etcd;
    private final Balancer balancer;
    private final HandlerBody body;
    private final TaskStateMachine machine;
    private final Clock clock;
    private final int maxTasks;
    private final Duration holdOffDuration;
    private final Duration stopTimeout;
    private final ScheduledExecutorService control;
    private final ThreadPoolExecutor handlers;
    private final TaskWrites writes;
    private final NamespaceFeed feed;
    private final TaskTable table;
    private final ReleaseHoldOff holdOff;
    private final WriteWindow writeWindow;
    private final SessionListener sessionListener = this::onSessionChange;
    private final CompletableFuture<Void> allEnded = new CompletableFuture<>();
    private final AtomicInteger closeCalls = new AtomicInteger();

    // Control-thread state.
    private final Map<TaskId, TaskRun> runs = new HashMap<>();
    private final Deque<TaskId> claimQueue = new ArrayDeque<>();
    private final Set<String> handledMemberCommands = new HashSet<>();
    private final Deque<RejectedCommand> rejected = new ArrayDeque<>();
    private final Backoff registerBackoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    private final Backoff commandBackoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    private long registeredLease;
    private long lostLease;
    private long registration;
    private boolean frozen;
    private boolean closing;
    private boolean loaded;
    private boolean balanceQueued;
    private boolean afterChangesQueued;
    private long lastPassNanos = System.nanoTime() - MAX_PASS_INTERVAL.toNanos();
    private long passIntervalNanos = MIN_PASS_INTERVAL.toNanos();
    private long passDueNanos;
    private ScheduledFuture<?> passTimer;
    private boolean balanceWanted;
    private boolean memberCommandBusy;
    private int claimsInFlight;
    private int zombies;
    private int sessionLosses;
    private ScheduledFuture<?> notBeforeTimer;
    private Instant notBeforeTimerAt;
    private ScheduledFuture<?> holdOffTimer;

    private TaskMember(Builder builder, Session session, boolean ownsSession) {
        this.id = builder.id;
        this.keys = new Keyspace(builder.namespace);
        this.session = session;
        this.ownsSession = ownsSession;
        this.etcd = session.etcd();
        this.balancer = builder.balancer;
        this.body = builder.body;
        this.clock = builder.clock;
        this.machine = TaskStateMachine.builder().clock(clock).retryPolicy(builder.retryPolicy).build();
        this.maxTasks = builder.maxConcurrentTasks;
        this.holdOffDuration = builder.releaseHoldOff;
        this.stopTimeout = builder.stopTimeout;
        this.control = Executors.newSingleThreadScheduledExecutor(named("baton-tasks-" + id));
        this.handlers = new ThreadPoolExecutor(maxTasks, maxTasks, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named("baton-task-" + id));
        this.handlers.allowCoreThreadTimeOut(true);
        this.writes = new TaskWrites(etcd, keys);
        this.feed = new CachedNamespace(etcd, keys.namespace(), control, builder.joinTimeout);
        this.table = new TaskTable(keys);
        this.holdOff = new ReleaseHoldOff(clock, holdOffDuration);
        this.writeWindow = new WriteWindow(MAX_WRITES_IN_FLIGHT, control);
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
        List<HeldTask> held = new ArrayList<>(runs.size());
        for (TaskRun run : runs.values()) {
            held.add(run.held());
        }
        held.sort(Comparator.comparing(HeldTask::id));
        return new MemberStatus(id, session.state(), frozen, held, List.copyOf(rejected), sessionLosses);
    }

    // ---- start ------------------------------------------------------------------------------

    private TaskMember start(Duration joinTimeout) {
        try {
            registerAtStart(joinTimeout);
            feed.start(new NamespaceFeed.Listener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                    table.apply(events);
                    afterChangesSoon();
                }

                @Override
                public void onProgress(long revision) {
                    table.advanceTo(revision);
                }
            });
            onControlThread(() -> {
                loaded = true;
                balanceSoon(true);
            });
            session.addListener(sessionListener);
            LOG.info("member {} joined {} with lease {} (at most {} tasks)", id, keys.namespace(),
                    Long.toHexString(registeredLease), maxTasks);
            return this;
        } catch (RuntimeException e) {
            if (registeredLease != 0) {
                writes.deregister(id, registration);
            }
            shutdownExecutors();
            if (ownsSession) {
                session.close();
            }
            throw e;
        }
    }

    /** Registers the member key, waiting (up to {@code joinTimeout}) for a previous holder of the id to go. */
    private void registerAtStart(Duration joinTimeout) {
        long deadline = System.nanoTime() + joinTimeout.toNanos();
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        String holder = null;
        while (true) {
            long lease = session.lease();
            try {
                TxnResult result = writes.register(id, new MemberRecord(false), lease).join();
                OptionalLong registered = registrationOn(result, lease);
                if (registered.isPresent()) {
                    registeredLease = lease;
                    registration = registered.getAsLong();
                    return;
                }
                holder = result.gets().get(0).stream().findFirst().map(kv -> "lease " + Long.toHexString(kv.lease()))
                        .orElse("an unknown holder");
            } catch (RuntimeException e) {
                holder = "an unanswered registration (" + Etcd.unwrap(e) + ")";
            }
            long delay = backoff.next().toNanos();
            if (System.nanoTime() + delay - deadline > 0) {
                throw new IllegalStateException("member id \"" + id + "\" is still registered under " + keys.member(id)
                        + " by " + holder + " after " + joinTimeout + "; is another member running with this id?");
            }
            try {
                TimeUnit.NANOSECONDS.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while member " + id + " was joining", e);
            }
        }
    }

    // ---- reacting to the store ---------------------------------------------------------------

    /** Reacts to the changes applied so far, once the changes already queued on the control thread are in. */
    private void afterChangesSoon() {
        if (!afterChangesQueued) {
            afterChangesQueued = true;
            onControlThread(() -> {
                afterChangesQueued = false;
                afterChanges(table.takeChanges());
            });
        }
    }

    private void afterChanges(TaskTable.Changes changes) {
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
            processMemberCommands();
        }
        handledMemberCommands.removeIf(key -> !table.hasCommand(key));
        if (changes.members() && !claimQueue.isEmpty()) {
            claimQueue.clear();
            balanceWanted = true;
        }
        if (changes.any()) {
            balanceSoon(changes.members());
        }
    }

    private void onSessionChange(SessionState state, long lease) {
        onControlThread(() -> {
            switch (state) {
                case CONNECTED -> {
                    if (lease != registeredLease && !closing) {
                        register(lease);
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
        if (registeredLease != 0 && !session.isValid() && session.lease() == registeredLease) {
            loseEverything(registeredLease, "is past its deadline");
        }
    }

    private void loseEverything(long lease, String what) {
        if (lease == lostLease) {
            return;
        }
        lostLease = lease;
        registeredLease = 0;
        claimQueue.clear();
        sessionLosses++;
        List<TaskRun> lost = new ArrayList<>(runs.values());
        for (TaskRun run : lost) {
            run.lose(StopReason.SESSION_LOST);
        }
        LOG.warn("member {}: session lease {} {}; told {} handlers to stop, their claims are void and fenced",
                id, Long.toHexString(lease), what, lost.size());
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

    /** Registers again after a lost session renewed itself with {@code lease}. */
    private void register(long lease) {
        writes.register(id, new MemberRecord(frozen), lease).whenCompleteAsync((result, error) -> {
            if (closing || session.lease() != lease) {
                return;
            }
            OptionalLong registered = error == null ? registrationOn(result, lease) : OptionalLong.empty();
            if (registered.isPresent()) {
                registeredLease = lease;
                registration = registered.getAsLong();
                registerBackoff.reset();
                LOG.info("member {} registered again with lease {}", id, Long.toHexString(lease));
                processMemberCommands();
                balanceSoon(true);
                return;
            }
            schedule(() -> {
                if (registeredLease != lease && session.lease() == lease) {
                    register(lease);
                }
            }, registerBackoff.next().toNanos());
        }, control);
    }

    // ---- balancing ---------------------------------------------------------------------------

    /**
     * Runs a balancing pass after the events already queued on the control thread, and no sooner
     * than the pass interval after the last one; {@code urgent} brings the interval back to its
     * shortest.
     */
    private void balanceSoon(boolean urgent) {
        if (urgent) {
            passIntervalNanos = MIN_PASS_INTERVAL.toNanos();
        }
        long now = System.nanoTime();
        long due = Math.max(now, lastPassNanos + passIntervalNanos);
        if (balanceQueued && passDueNanos - due <= 0) {
            return;
        }
        if (passTimer != null) {
            passTimer.cancel(false);
        }
        balanceQueued = true;
        passDueNanos = due;
        passTimer = schedule(() -> {
            balanceQueued = false;
            passTimer = null;
            balance();
        }, due - now);
    }

    private void balance() {
        stepDownIfPastDeadline();
        if (!loaded || closing || registeredLease == 0 || session.lease() != registeredLease || !session.isValid()) {
            return;
        }
        if (claimsInFlight > 0 || !claimQueue.isEmpty() || memberCommandBusy) {
            // Claims settle first; a member command (a freeze, say) is applied before deciding.
            balanceWanted = true;
            return;
        }
        balanceWanted = false;
        lastPassNanos = System.nanoTime();
        Instant now = clock.instant();
        Instant nextNotBefore = null;
        Set<String> members = new HashSet<>();
        members.add(id);
        for (TaskTable.Member member : table.members()) {
            if (!member.frozen() && member.problem() == null) {
                members.add(member.id());
            }
        }
        Map<TaskId, TaskOwner> claimed = new HashMap<>();
        Set<TaskId> unclaimed = new HashSet<>();
        for (TaskTable.Entry entry : table.entries()) {
            TaskRun run = runs.get(entry.id);
            if (run != null) {
                claimed.put(entry.id, new TaskOwner(run.releasing() ? id + "/releasing" : id, run.token()));
            } else if (entry.owner != null) {
                claimed.put(entry.id, new TaskOwner(othersName(entry), entry.owner.createRevision()));
            } else if (entry.runnable()) {
                Optional<Instant> notBefore = entry.decodedSpec.notBefore();
                if (notBefore.isPresent() && notBefore.get().isAfter(now)) {
                    if (nextNotBefore == null || notBefore.get().isBefore(nextNotBefore)) {
                        nextNotBefore = notBefore.get();
                    }
                } else {
                    unclaimed.add(entry.id);
                }
            }
        }
        for (TaskRun run : runs.values()) {
            claimed.putIfAbsent(run.id(), new TaskOwner(run.releasing() ? id + "/releasing" : id, run.token()));
        }
        wakeAtNotBefore(nextNotBefore, now);
        if (frozen) {
            return;
        }
        BalanceDecision decision;
        try {
            decision = balancer.decide(new BalanceView(id, members, claimed, unclaimed, holdOff.active()));
        } catch (RuntimeException e) {
            LOG.error("member {}: balancer {} failed; keeping what it holds", id, balancer.getClass().getName(), e);
            return;
        }
        passIntervalNanos = decision.settled() ? Math.min(passIntervalNanos * 2, MAX_PASS_INTERVAL.toNanos())
                : MIN_PASS_INTERVAL.toNanos();
        for (TaskId task : decision.release()) {
            TaskRun run = runs.get(task);
            if (run != null && !run.releasing()) {
                run.requestRelease(StopReason.RELEASED, null);
            }
        }
        int room = maxTasks - occupied();
        for (TaskId task : decision.claim()) {
            if (room-- <= 0) {
                break;
            }
            claimQueue.add(task);
        }
        sendClaims();
    }

    private void sendClaims() {
        while (registeredLease != 0 && claimsInFlight < MAX_CLAIMS_IN_FLIGHT && !claimQueue.isEmpty()) {
            claim(claimQueue.poll());
        }
    }

    /**
     * The member an owner key names, as balancing counts it: another member's claims count for
     * it; a claim of this member's id that is not a live run (an earlier lease's, or one being
     * given up) counts for no live member.
     */
    private String othersName(TaskTable.Entry entry) {
        String name = entry.ownerName;
        return name.equals(id) ? id + (entry.owner.lease() == registeredLease ? "/ending" : "/previous-lease") : name;
    }

    private int occupied() {
        return runs.size() + claimsInFlight + claimQueue.size() + zombies;
    }

    private void wakeAtNotBefore(Instant next, Instant now) {
        if (next == null || notBeforeTimer != null && !notBeforeTimerAt.isAfter(next)) {
            return;
        }
        if (notBeforeTimer != null) {
            notBeforeTimer.cancel(false);
        }
        notBeforeTimerAt = next;
        notBeforeTimer = schedule(() -> {
            notBeforeTimer = null;
            balanceSoon(true);
        }, Duration.between(now, next).toNanos());
    }

    private void claim(TaskId task) {
        long lease = registeredLease;
        claimsInFlight++;
        writes.claim(task, id, lease).whenCompleteAsync((result, error) -> {
            if (error == null) {
                if (result.succeeded()) {
                    claimed(task, result.revision(), lease, first(result.gets().get(0)), first(result.gets().get(1)));
                }
                claimSettled();
            } else if (TaskWrites.outcomeUnknown(error)) {
                resolveClaim(task, lease, new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2)));
            } else {
                LOG.debug("member {}: claim of task {} refused: {}", id, task, Etcd.unwrap(error).toString());
                claimSettled();
            }
        }, control);
    }

    /** A claim whose outcome is unknown: read the owner key back and go by what it says. */
    private void resolveClaim(TaskId task, long lease, Backoff backoff) {
        writes.readTask(task).whenCompleteAsync((read, error) -> {
            if (error != null) {
                if (session.lease() == lease && session.isValid()) {
                    schedule(() -> resolveClaim(task, lease, backoff), backoff.next().toNanos());
                } else {
                    claimSettled();
                }
                return;
            }
            KeyValue owner = null;
            KeyValue spec = null;
            KeyValue state = null;
            for (KeyValue kv : read.kvs()) {
                if (kv.key().equals(keys.owner(task))) {
                    owner = kv;
                } else if (kv.key().equals(keys.spec(task))) {
                    spec = kv;
                } else if (kv.key().equals(keys.state(task))) {
                    state = kv;
                }
            }
            if (owner != null && owner.lease() == lease && owner.valueUtf8().equals(id)) {
                claimed(task, owner.createRevision(), lease, spec, state);
            }
            claimSettled();
        }, control);
    }

    private void claimSettled() {
        claimsInFlight--;
        if (closing || registeredLease == 0) {
            claimQueue.clear();
        }
        sendClaims();
        if (claimsInFlight == 0 && claimQueue.isEmpty() && (balanceWanted || closing)) {
            if (closing) {
                checkAllEnded();
            } else {
                balanceSoon(true);
            }
        }
    }

    /** A claim landed with {@code token}: start a run from the spec and state read with it. */
    private void claimed(TaskId task, long token, long lease, KeyValue specKv, KeyValue stateKv) {
        if (lease != registeredLease) {
            return;
        }
        if (closing) {
            writes.update(task, token, null, null, true);
            return;
        }
        TaskSpec spec;
        TaskState state;
        TaskTable.Entry known = table.entry(task);
        try {
            spec = known != null && sameVersion(known.spec, specKv) && known.decodedSpec != null ? known.decodedSpec
                    : TaskSpec.decode(Objects.requireNonNull(specKv, "spec").valueUtf8());
            if (stateKv == null) {
                state = TaskState.initial(spec.submitted());
            } else {
                state = known != null && sameVersion(known.state, stateKv) && known.decodedState != null
                        ? known.decodedState : TaskState.decode(stateKv.valueUtf8());
            }
        } catch (TaskFormatException | NullPointerException e) {
            LOG.warn("member {}: claimed task {} cannot be run ({}); releasing it", id, Excerpt.of(task.value()),
                    e.getMessage());
            holdOff.released(task);
            writes.update(task, token, null, null, true);
            return;
        }
        TaskRun run = new TaskRun(this, writes, task, token, clock.instant(), spec, state,
                stateKv == null ? 0 : stateKv.modRevision());
        runs.put(task, run);
        run.advance();
    }

    // ---- member commands ---------------------------------------------------------------------

    private void processMemberCommands() {
        if (memberCommandBusy || closing || registeredLease == 0) {
            return;
        }
        for (KeyValue command : table.memberCommands(id)) {
            if (!handledMemberCommands.contains(command.key())) {
                handledMemberCommands.add(command.key());
                memberCommandBusy = true;
                applyMemberCommand(command);
                return;
            }
        }
    }

    private void applyMemberCommand(KeyValue command) {
        MemberCommand parsed;
        try {
            parsed = MemberCommand.parse(command.valueUtf8());
        } catch (TaskFormatException e) {
            reject(command, e.getMessage());
            consumeMemberCommand(command.key());
            return;
        }
        LOG.info("member {}: command {}", id, parsed.encode());
        if (parsed instanceof MemberCommand.Freeze || parsed instanceof MemberCommand.Unfreeze) {
            boolean freeze = parsed instanceof MemberCommand.Freeze;
            writes.updateMember(id, registration, new MemberRecord(freeze), registeredLease, command.key())
                    .whenCompleteAsync((result, error) -> {
                        if (error == null && result.succeeded()) {
                            frozen = freeze;
                            memberCommandDone();
                            balanceSoon(true);
                        } else {
                            retryMemberCommand(command.key());
                        }
                    }, control);
        } else if (parsed instanceof MemberCommand.Balance) {
            balanceSoon(true);
            consumeMemberCommand(command.key());
        } else if (parsed instanceof MemberCommand.Release release) {
            TaskRun run = runs.get(release.task());
            if (run == null) {
                reject(command, "task " + Excerpt.of(release.task().value()) + " is not held by member " + id);
                consumeMemberCommand(command.key());
            } else {
                run.requestRelease(StopReason.RELEASED, command.key());
                memberCommandDone();
            }
        }
    }

    /** Deletes a member command that was applied or refused, then takes the next one. */
    void consumeMemberCommand(String key) {
        writes.consume(key).whenCompleteAsync((result, error) -> {
            if (error == null) {
                memberCommandDone();
            } else {
                retryMemberCommand(key);
            }
        }, control);
    }

    private void memberCommandDone() {
        memberCommandBusy = false;
        commandBackoff.reset();
        processMemberCommands();
        if (!memberCommandBusy && balanceWanted) {
            balanceSoon(true);
        }
    }

    private void retryMemberCommand(String key) {
        handledMemberCommands.remove(key);
        schedule(() -> {
            memberCommandBusy = false;
            processMemberCommands();
        }, commandBackoff.next().toNanos());
    }

    /** Reports a refused command; the caller consumes it. */
    void reject(KeyValue command, String reason) {
        LOG.warn("member {}: refused command {} = {}: {}", id, command.key(), Excerpt.of(command.valueUtf8()), reason);
        rejected.addLast(new RejectedCommand(command.key(), Excerpt.of(command.valueUtf8()), reason, clock.instant()));
        while (rejected.size() > MAX_REJECTED_KEPT) {
            rejected.removeFirst();
        }
    }

    // ---- services for runs -------------------------------------------------------------------

    TaskStateMachine machine() {
        return machine;
    }

    Clock clock() {
        return clock;
    }

    TaskTable table() {
        return table;
    }

    WriteWindow writeWindow() {
        return writeWindow;
    }

    Executor control() {
        return control;
    }

    /** Runs {@code action} on the control thread; false when the member is closed and it will never run. */
    boolean onControlThread(Runnable action) {
        try {
            control.execute(action);
            return true;
        } catch (RejectedExecutionException e) {
            LOG.debug("member {} is closed; dropped a control action", id);
            return false;
        }
    }

    ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
        try {
            return control.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs {@code context}'s handler on a handler thread and reports its outcome to {@code run}. */
    void runHandler(TaskRun run, RunContext context) {
        try {
            handlers.execute(() -> {
                TaskMessage outcome;
                try {
                    outcome = body.run(context);
                } catch (Throwable e) {
                    if (context.isStopRequested()) {
                        outcome = null;
                    } else {
                        LOG.warn("member {}: handler of task {} failed", id, Excerpt.of(run.id().value()), e);
                        outcome = TaskMessage.error(e);
                    }
                } finally {
                    Thread.interrupted();
                }
                TaskMessage result = outcome;
                onControlThread(() -> run.onHandlerReturned(context, result));
            });
        } catch (RejectedExecutionException e) {
            onControlThread(() -> run.onHandlerReturned(context, null));
        }
    }

    /** A handler of a lost claim has returned: its slot is free again, so a pass may claim more. */
    void zombieReturned() {
        zombies--;
        if (closing) {
            checkAllEnded();
        } else {
            balanceSoon(true);
        }
    }

    void runEnded(TaskRun run, TaskRun.Ending ending) {
        runs.remove(run.id());
        if (ending == TaskRun.Ending.LOST && run.zombie()) {
            zombies++;
        }
        if (ending == TaskRun.Ending.RELEASED) {
            holdOff.released(run.id());
            armHoldOffTimer();
        }
        if (closing) {
            checkAllEnded();
        } else {
            balanceSoon(true);
        }
    }

    private void armHoldOffTimer() {
        if (holdOffTimer != null && !holdOffTimer.isDone()) {
            return;
        }
        holdOffTimer = schedule(() -> {
            balanceSoon(true);
            if (!holdOff.active().isEmpty()) {
                armHoldOffTimer();
            }
        }, holdOffDuration.toNanos() + TimeUnit.MILLISECONDS.toNanos(1));
    }

    private void checkAllEnded() {
        if (closing && runs.isEmpty() && claimsInFlight == 0) {
            allEnded.complete(null);
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
            handlers.shutdownNow();
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
        claimQueue.clear();
        for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {notBeforeTimer, holdOffTimer, passTimer}) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
        CompletableFuture<?> deregistered = registeredLease == 0 ? CompletableFuture.completedFuture(null)
                : writes.deregister(id, registration).exceptionally(error -> null);
        deregistered.whenCompleteAsync((result, error) -> {
            for (TaskRun run : new ArrayList<>(runs.values())) {
                run.requestRelease(StopReason.SHUTDOWN, null);
            }
            checkAllEnded();
        }, control);
    }

    /** After the stop timeout: gives up every remaining claim with a fenced delete, without waiting for handlers. */
    private void releaseRemaining() {
        for (TaskRun run : new ArrayList<>(runs.values())) {
            writes.update(run.id(), run.token(), null, null, true);
            run.lose(StopReason.SHUTDOWN);
        }
        zombies = 0;
        allEnded.complete(null);
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
        handlers.shutdownNow();
        try {
            if (!control.awaitTermination(2, TimeUnit.SECONDS)) {
                control.shutdownNow();
            }
            handlers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            control.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** True when both are the same version of a key, so its value was decoded already. */
    private static boolean sameVersion(KeyValue known, KeyValue read) {
        return known != null && read != null && known.modRevision() == read.modRevision();
    }

    private static KeyValue first(List<KeyValue> kvs) {
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
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
        private HandlerBody body;
        private Balancer balancer = new FairBalancer();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private int maxConcurrentTasks = DEFAULT_MAX_CONCURRENT_TASKS;
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

        /** Runs tasks with a handler that needs no state between runs. */
        public Builder handler(TaskHandler handler) {
            Objects.requireNonNull(handler, "handler");
            this.body = context -> {
                handler.run(context);
                return TaskMessage.complete();
            };
            return this;
        }

        /** Runs tasks with a handler driven by each task's persisted state machine. */
        public Builder statefulHandler(StatefulTaskHandler handler) {
            Objects.requireNonNull(handler, "handler");
            this.body = context -> {
                TaskMessage outcome = handler.run(context);
                return outcome != null ? outcome : TaskMessage.error("the handler returned no message");
            };
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

        /** The most tasks held and run at once, at least 1; default {@value #DEFAULT_MAX_CONCURRENT_TASKS}. */
        public Builder maxConcurrentTasks(int maxConcurrentTasks) {
            if (maxConcurrentTasks < 1) {
                throw new IllegalArgumentException("maxConcurrentTasks must be at least 1, is " + maxConcurrentTasks);
            }
            this.maxConcurrentTasks = maxConcurrentTasks;
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
                throw new IllegalStateException("member " + id + " needs a handler or a statefulHandler");
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
