package dev.baton.tasks;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.TxnResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claim a member holds, from its claim transaction until it is released, retired or lost.
 * It drives the task's state machine: applies pending task commands in order, runs the handler
 * while the task is RUNNABLE (not before the task's not-before instant: a task claimed ahead of
 * it waits, held, for that instant), wakes SLEEPING and FAULT tasks at their instant, and persists
 * every change with a transaction fenced by the claim token. Writes of one run are made one at
 * a time; a write whose outcome is unknown is resolved by reading the task back.
 *
 * <p>Everything here runs on the member's control thread, except {@link #checkpoint}, which
 * hands over to it, and the handler, which the {@link RunHost} runs and which reports back through
 * {@link #onHandlerStarted} and {@link #onHandlerReturned}. The run talks to its member only
 * through {@link RunHost}.
 */
final class TaskRun {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRun.class);

    /** How a run ends. */
    enum Ending {
        /** Retired with a terminal state. */
        RETIRED,
        /** The claim was given up; the task continues elsewhere. */
        RELEASED,
        /** The claim is void (session lost, claim removed); nothing more was written. */
        LOST
    }

    /** A wanted release: why, and the command that asked for it, if one did. */
    private record Release(StopReason reason, String commandKey) {
    }

    /** A change waiting for the write before it to land. */
    private record QueuedWrite(UnaryOperator<TaskState> change, boolean release, String commandKey,
                               CompletableFuture<Void> stored) {
    }

    private final RunHost host;
    private final TaskWrites writes;
    private final ScheduledExecutorService control;
    private final TaskStateMachine machine;
    private final Clock clock;
    private final TaskId id;
    private final long token;
    private final Instant claimedAt;
    private final TaskSpec spec;
    /** The commands this run has taken up and that are still in the store; null until the first. */
    private Set<String> handledCommands;
    private final ArrayDeque<QueuedWrite> queuedWrites = new ArrayDeque<>(1);

    private TaskState state;
    private long stateRevision;
    private RunContext running;
    /** Whether the handler of {@link #running} has started (it may wait for a place among the member's handlers). */
    private boolean handlerStarted;
    private Release releaseWanted;
    private boolean writing;
    private ScheduledFuture<?> wakeUp;
    /** What the last run that returned set as its result; kept in the done record if the task completes. */
    private Optional<TaskResult> result = Optional.empty();
    /** Stops the running handler when the task's timeout passes; null without a timeout or a handler. */
    private ScheduledFuture<?> runTimeout;
    private boolean ended;
    private boolean zombie;
    private boolean retiring;

    TaskRun(RunHost host, TaskWrites writes, ScheduledExecutorService control, TaskStateMachine machine,
            Clock clock, TaskId id, long token, TaskSpec spec, TaskState state, long stateRevision) {
        this.host = host;
        this.writes = writes;
        this.control = control;
        this.machine = spec.options().retryPolicy().map(machine::withRetryPolicy).orElse(machine);
        this.clock = clock;
        this.id = id;
        this.token = token;
        this.claimedAt = clock.instant();
        this.spec = spec;
        this.state = state;
        this.stateRevision = stateRevision;
    }

    TaskId id() {
        return id;
    }

    long token() {
        return token;
    }

    TaskSpec spec() {
        return spec;
    }

    String member() {
        return host.memberId();
    }

    /** True when the run ended as lost while its handler was still running. */
    boolean zombie() {
        return zombie;
    }

    /** True once a release was asked for; the balancer no longer counts the task as held. */
    boolean releasing() {
        return releaseWanted != null;
    }

    HeldTask held() {
        return new HeldTask(id, token, claimedAt, state, running != null && handlerStarted,
                running == null ? Optional.empty() : running.stopReason());
    }

    /** Moves the run on as far as it can go without waiting: commands, then the state's own step. */
    void advance() {
        if (ended || writing || running != null) {
            return;
        }
        if (releaseWanted != null) {
            commit(UnaryOperator.identity(), true, releaseWanted.commandKey(), null);
            return;
        }
        KeyValue command = nextCommand();
        if (command != null) {
            apply(command);
            return;
        }
        switch (state.status()) {
            case RUNNABLE -> {
                if (spec.startableAt(clock.instant())) {
                    startHandler();
                } else {
                    scheduleWakeUp(spec.notBefore().orElseThrow());
                }
            }
            case SLEEPING, FAULT -> scheduleWakeUp(state.until().orElseThrow());
            case PAUSED -> {
                // Held until a resume or kill command arrives.
            }
            case COMPLETED, FAILED, KILLED -> commit(UnaryOperator.identity(), false, null, null);
        }
    }

    /** New commands for this task are in the table. */
    void onCommands() {
        if (ended) {
            return;
        }
        if (running == null) {
            advance();
            return;
        }
        if (running.isStopRequested()) {
            return;
        }
        KeyValue command = nextCommand();
        if (command == null) {
            return;
        }
        TaskCommand parsed;
        try {
            parsed = TaskCommand.parse(command.valueUtf8());
        } catch (TaskFormatException e) {
            refuse(command, e.getMessage());
            return;
        }
        if (!TaskStateMachine.accepts(TaskStatus.RUNNABLE, parsed.message().kind())) {
            refuse(command, new IllegalTransitionException(TaskStatus.RUNNABLE, parsed.message().kind()).getMessage());
            return;
        }
        running.requestStop(switch (parsed) {
            case PAUSE -> StopReason.PAUSED;
            case KILL -> StopReason.KILLED;
            case STOP, RESUME -> StopReason.RELEASED;
        });
    }

    /** Gives the claim up once the handler (if running) has returned; {@code commandKey} is consumed with it. */
    void requestRelease(StopReason reason, String commandKey) {
        if (ended) {
            return;
        }
        if (releaseWanted != null) {
            if (commandKey != null) {
                host.consumeMemberCommand(commandKey);
            }
            return;
        }
        releaseWanted = new Release(reason, commandKey);
        if (running != null) {
            running.requestStop(reason);
        } else {
            advance();
        }
    }

    /**
     * The claim is void: tells the handler to stop and ends without writing anything. A handler
     * that keeps running is fenced out of every write.
     */
    void lose(StopReason reason) {
        if (ended) {
            return;
        }
        if (running != null) {
            zombie = true;
            running.requestStop(reason);
        }
        end(Ending.LOST);
    }

    /** Compares the claim with the table at {@code revision}; a removed or replaced owner key voids it. */
    void checkClaim(TaskTable.Entry entry, long revision) {
        if (ended || writing || revision < token) {
            return;
        }
        if (entry == null || entry.ownerRevision != token) {
            LOG.warn("member {}: claim {} on task {} was removed from the store; stopping it",
                    host.memberId(), token, Excerpt.of(id.value()));
            lose(StopReason.CLAIM_LOST);
        }
    }

    /** Stores a checkpoint on behalf of the running handler; completes once stored. */
    CompletableFuture<Void> checkpoint(RunContext context, TaskMessage message) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        try {
            control.execute(() -> {
                if (ended || context != running) {
                    fail(stored, "the run has ended");
                    return;
                }
                commit(current -> machine.apply(current, message), false, null, stored);
            });
        } catch (RejectedExecutionException e) {
            fail(stored, "the member is closed");
        }
        return stored;
    }

    /**
     * The handler returned; {@code outcome} is null when the run ended without one. A run stopped
     * for its timeout counts as failed, whatever it returned.
     */
    void onHandlerReturned(RunContext context, TaskMessage returned) {
        if (context != running) {
            return;
        }
        running = null;
        cancelRunTimeout();
        result = context.handlerResult();
        TaskMessage outcome = context.stopReason().orElse(null) == StopReason.TIMED_OUT
                ? TaskMessage.error("the run took longer than the task's timeout of "
                        + spec.options().timeout().orElseThrow())
                : returned;
        if (ended) {
            if (zombie) {
                zombie = false;
                host.lostHandlerReturned();
            }
            return;
        }
        boolean release = releaseWanted != null || outcome != null && outcome.kind() == TaskMessage.Kind.RELEASE;
        if (release && releaseWanted == null) {
            releaseWanted = new Release(StopReason.RELEASED, null);
        }
        if (outcome == null && !release) {
            advance();
            return;
        }
        commit(current -> outcome == null ? current : applyOutcome(current, outcome), release,
                release ? releaseWanted.commandKey() : null, null);
    }

    private TaskState applyOutcome(TaskState current, TaskMessage outcome) {
        try {
            return machine.apply(current, outcome);
        } catch (IllegalTransitionException e) {
            LOG.warn("member {}: handler of task {} returned {}: {}", host.memberId(), Excerpt.of(id.value()), outcome,
                    e.getMessage());
            return machine.apply(current, TaskMessage.error("handler returned " + outcome + ": " + e.getMessage()));
        }
    }

    private void startHandler() {
        handlerStarted = false;
        running = host.runHandler(this, state, writes.fence(id, token));
    }

    /**
     * The handler of {@code context} starts now (it may have waited for a place among the
     * member's running handlers): the task's timeout counts from here.
     */
    void onHandlerStarted(RunContext context) {
        if (context != running || ended) {
            return;
        }
        handlerStarted = true;
        spec.options().timeout().ifPresent(limit -> runTimeout = schedule(() -> {
            runTimeout = null;
            if (context == running && !ended) {
                LOG.warn("member {}: task {} ran longer than its timeout of {}; stopping it", host.memberId(),
                        Excerpt.of(id.value()), limit);
                context.requestStop(StopReason.TIMED_OUT);
            }
        }, limit.toNanos()));
    }

    private void cancelRunTimeout() {
        if (runTimeout != null) {
            runTimeout.cancel(false);
            runTimeout = null;
        }
    }

    /**
     * Moves the run on at {@code until} on the member's clock: a SLEEPING or FAULT task's wake-up,
     * or the not-before instant of a task claimed ahead of it. The timer's delay runs on another
     * clock than the member's, so the step re-checks the instant and waits again if it came early.
     */
    private void scheduleWakeUp(Instant until) {
        if (wakeUp != null) {
            return;
        }
        long delayNanos = Math.max(0, Duration.between(clock.instant(), until).toNanos());
        wakeUp = schedule(() -> {
            wakeUp = null;
            if (ended || writing || running != null) {
                return;
            }
            if ((state.status() == TaskStatus.SLEEPING || state.status() == TaskStatus.FAULT)
                    && !state.until().orElseThrow().isAfter(clock.instant())) {
                commit(current -> machine.apply(current, TaskMessage.run()), false, null, null);
            } else {
                advance();
            }
        }, delayNanos);
    }

    private void cancelWakeUp() {
        if (wakeUp != null) {
            wakeUp.cancel(false);
            wakeUp = null;
        }
    }

    /** The oldest command of this task not yet taken up by this run. */
    private KeyValue nextCommand() {
        var pending = host.taskCommands(id);
        if (handledCommands != null) {
            handledCommands.removeIf(key -> pending.stream().noneMatch(kv -> kv.key().equals(key)));
        }
        for (KeyValue command : pending) {
            if (handledCommands == null || !handledCommands.contains(command.key())) {
                return command;
            }
        }
        return null;
    }

    /** Applies one task command to the state machine, consuming it in the same transaction. */
    private void apply(KeyValue command) {
        TaskCommand parsed;
        try {
            parsed = TaskCommand.parse(command.valueUtf8());
        } catch (TaskFormatException e) {
            refuse(command, e.getMessage());
            return;
        }
        TaskMessage message = parsed.message();
        if (!TaskStateMachine.accepts(state.status(), message.kind())) {
            refuse(command, new IllegalTransitionException(state.status(), message.kind()).getMessage());
            return;
        }
        handled(command.key());
        LOG.info("member {}: task {} command {} in status {}", host.memberId(), Excerpt.of(id.value()), parsed.wireName(),
                state.status());
        boolean release = message.kind() == TaskMessage.Kind.RELEASE;
        if (release) {
            releaseWanted = new Release(StopReason.RELEASED, command.key());
        }
        commit(current -> machine.apply(current, message), release, command.key(), null);
    }

    /** Reports a command this task cannot take and consumes it, fenced by the claim. */
    private void refuse(KeyValue command, String reason) {
        handled(command.key());
        host.reject(command, reason);
        commit(UnaryOperator.identity(), false, command.key(), null);
    }

    /**
     * Makes one fenced change: the state {@code change} computes from the current one (at send
     * time, after earlier writes landed), the command consumed, the claim released. A terminal
     * state retires the task instead. {@code stored}, when given, learns the outcome.
     */
    private void commit(UnaryOperator<TaskState> change, boolean release, String commandKey,
                        CompletableFuture<Void> stored) {
        if (writing) {
            queuedWrites.add(new QueuedWrite(change, release, commandKey, stored));
            return;
        }
        TaskState next;
        try {
            next = change.apply(state);
        } catch (IllegalTransitionException e) {
            if (stored != null) {
                stored.completeExceptionally(e);
            }
            continueAfterWrite();
            return;
        }
        boolean retire = next.status().terminal();
        if (!retire && !release && commandKey == null && next.equals(state)) {
            if (stored != null) {
                stored.complete(null);
            }
            continueAfterWrite();
            return;
        }
        writing = true;
        if (retire && !retiring) {
            retiring = true;
            host.retiring(this);
        }
        send(next, retire, release, commandKey, stored, null);
    }

    /** True once the run is writing its retirement: its work is over, only the write is left. */
    boolean retiring() {
        return retiring;
    }

    private void send(TaskState next, boolean retire, boolean release, String commandKey,
                      CompletableFuture<Void> stored, Backoff readBackoff) {
        TaskState changed = next.equals(state) ? null : next;
        CompletableFuture<TxnResult> write = host.send(retire
                ? writes.retire(id, token, doneRecord(next))
                : writes.update(id, token, changed, commandKey, release));
        write.whenComplete((result, error) -> {
            if (ended) {
                fail(stored, "the claim is void");
                return;
            }
            if (error == null) {
                if (result.succeeded()) {
                    landed(next, retire, release, result.revision(), stored);
                } else {
                    LOG.warn("member {}: claim {} on task {} no longer holds; its write was refused",
                            host.memberId(), token, Excerpt.of(id.value()));
                    fail(stored, "the fenced write was refused");
                    lose(StopReason.CLAIM_LOST);
                }
            } else if (TaskWrites.outcomeUnknown(error)) {
                readBack(next, retire, release, commandKey, stored,
                        readBackoff == null ? new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2)) : readBackoff);
            } else {
                LOG.error("member {}: the store refused a write for task {}; giving the claim up", host.memberId(),
                        Excerpt.of(id.value()), error);
                fail(stored, "the store refused the write: " + error);
                lose(StopReason.CLAIM_LOST);
            }
        });
    }

    /** Resolves a write whose outcome is unknown by reading the task back, never by blind resending. */
    private void readBack(TaskState next, boolean retire, boolean release, String commandKey,
                          CompletableFuture<Void> stored, Backoff backoff) {
        host.readTask(id).whenComplete((read, error) -> {
            if (ended) {
                fail(stored, "the claim is void");
                return;
            }
            if (error != null) {
                schedule(() -> readBack(next, retire, release, commandKey, stored, backoff),
                        backoff.next().toNanos());
                return;
            }
            KeyValue owner = read.find(writes.keys().owner(id)).orElse(null);
            boolean stillHeld = owner != null && owner.createRevision() == token;
            if (retire) {
                KeyValue done = read.find(writes.keys().done(id)).orElse(null);
                if (done != null && !stillHeld && done.valueUtf8().equals(doneRecord(next).encode())) {
                    landed(next, true, false, done.modRevision(), stored);
                } else if (stillHeld) {
                    send(next, true, release, commandKey, stored, backoff);
                } else {
                    fail(stored, "the claim is gone");
                    lose(StopReason.CLAIM_LOST);
                }
                return;
            }
            if (!stillHeld) {
                if (release) {
                    landed(next, false, true, read.revision(), stored);
                } else {
                    fail(stored, "the claim is gone");
                    lose(StopReason.CLAIM_LOST);
                }
                return;
            }
            KeyValue stored0 = read.find(writes.keys().state(id)).orElse(null);
            boolean stateLanded = !next.equals(state) && stored0 != null && stored0.modRevision() > stateRevision
                    && stored0.valueUtf8().equals(next.encode());
            if (stateLanded && !release) {
                landed(next, false, false, stored0.modRevision(), stored);
            } else {
                send(next, false, release, commandKey, stored, backoff);
            }
        });
    }

    /** The done record of a retirement to {@code last}: the spec, and the result when the task completed. */
    private DoneTask doneRecord(TaskState last) {
        return new DoneTask(last, Optional.of(spec),
                last.status() == TaskStatus.COMPLETED ? result : Optional.empty());
    }

    private void landed(TaskState next, boolean retired, boolean released, long revision,
                        CompletableFuture<Void> stored) {
        writing = false;
        if (!next.equals(state)) {
            state = next;
            stateRevision = revision;
            cancelWakeUp();
        }
        if (stored != null) {
            stored.complete(null);
        }
        if (retired) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("member {}: task {} retired as {}", host.memberId(), Excerpt.of(id.value()), next.status());
            }
            end(Ending.RETIRED);
            return;
        }
        if (released) {
            end(Ending.RELEASED);
            return;
        }
        continueAfterWrite();
    }

    /** After a write (or a change that needed none): the next queued write, else the next step. */
    private void continueAfterWrite() {
        QueuedWrite queued = queuedWrites.poll();
        if (queued != null) {
            commit(queued.change(), queued.release(), queued.commandKey(), queued.stored());
        } else if (running != null) {
            onCommands();
        } else {
            advance();
        }
    }

    private void end(Ending ending) {
        ended = true;
        writing = false;
        cancelWakeUp();
        cancelRunTimeout();
        for (QueuedWrite queued = queuedWrites.poll(); queued != null; queued = queuedWrites.poll()) {
            fail(queued.stored(), "the run has ended");
        }
        host.runEnded(this, ending, zombie);
    }

    private void fail(CompletableFuture<Void> stored, String why) {
        if (stored != null) {
            stored.completeExceptionally(new TaskClaimLostException(id, token, why));
        }
    }

    private void handled(String commandKey) {
        if (handledCommands == null) {
            handledCommands = new HashSet<>(4);
        }
        handledCommands.add(commandKey);
    }

    private ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
        try {
            return control.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }
}
