package dev.baton.tasks;

import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.TxnResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs a member holds, one {@link TaskRun} per claim, and the slots they take: a run takes a
 * slot until its retirement is being written, and a lost run whose handler has not returned yet
 * still takes one. This is the {@link RunHost} every run talks to. Confined to the member's control
 * thread.
 */
final class MemberRuns implements RunHost {

    private static final Logger LOG = LoggerFactory.getLogger(TaskMember.class);

    /** What the member hears from its runs. */
    interface Listener {
        /** A run ended ({@code runEnded}) or a lost run's handler returned: a slot may be free. */
        void slotFreed(boolean runEnded);

        /** A run's work is over and its retirement is being written: its slot may take the next task. */
        void retiring();
    }

    private final String memberId;
    private final TaskTable table;
    private final TaskWrites writes;
    private final TxnBatcher batcher;
    private final HandlerRunner handlers;
    private final MemberCommands commands;
    private final ReleaseHoldOff holdOff;
    private final ScheduledExecutorService control;
    private final TaskStateMachine machine;
    private final Clock clock;
    private final Listener listener;
    private final Map<TaskId, TaskRun> runs = new HashMap<>();
    private int retiring;
    private int lostHandlersRunning;

    MemberRuns(String memberId, TaskTable table, TaskWrites writes, TxnBatcher batcher, HandlerRunner handlers,
               MemberCommands commands, ReleaseHoldOff holdOff, ScheduledExecutorService control,
               TaskStateMachine machine, Clock clock, Listener listener) {
        this.memberId = memberId;
        this.table = table;
        this.writes = writes;
        this.batcher = batcher;
        this.handlers = handlers;
        this.commands = commands;
        this.holdOff = holdOff;
        this.control = control;
        this.machine = machine;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Starts the run of a claim that landed with {@code token}, from the spec and state read with
     * it; a claimed task whose records cannot be run is released (and held off) instead.
     */
    void start(TaskId task, long token, KeyValue specKv, KeyValue stateKv) {
        TaskSpec spec;
        TaskState state;
        try {
            spec = TaskSpec.decode(Objects.requireNonNull(specKv, "spec").valueUtf8());
            state = stateKv == null ? TaskState.initial(spec.submitted()) : TaskState.decode(stateKv.valueUtf8());
        } catch (TaskFormatException | NullPointerException e) {
            LOG.warn("member {}: claimed task {} cannot be run ({}); releasing it", memberId, Excerpt.of(task.value()),
                    e.getMessage());
            holdOff.released(task);
            giveUp(task, token);
            return;
        }
        TaskRun run = new TaskRun(this, writes, control, machine, clock, task, token, spec, state,
                stateKv == null ? 0 : stateKv.modRevision());
        runs.put(task, run);
        run.advance();
    }

    /** Releases the claim {@code token} on {@code task} without running it: a fenced delete of its owner key. */
    CompletableFuture<TxnResult> giveUp(TaskId task, long token) {
        return batcher.send(writes.update(task, token, null, null, true));
    }

    /** Tells the runs concerned of what the store changed: their owner keys, their task commands. */
    void onChanges(TaskTable.Changes changes) {
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
    }

    /** The run of {@code task}, or null when the member holds no claim on it. */
    TaskRun get(TaskId task) {
        return runs.get(task);
    }

    boolean holds(TaskId task) {
        return runs.containsKey(task);
    }

    int size() {
        return runs.size();
    }

    boolean isEmpty() {
        return runs.isEmpty();
    }

    /** The slots runs take: every run not yet retiring, and every lost run whose handler still runs. */
    int slotsTaken() {
        return runs.size() - retiring + lostHandlersRunning;
    }

    /** Every run, as a copy the caller may end runs while walking. */
    List<TaskRun> all() {
        return new ArrayList<>(runs.values());
    }

    /** Each held claim, as the planner reads it. */
    Map<TaskId, TaskPlanner.HeldClaim> heldClaims() {
        Map<TaskId, TaskPlanner.HeldClaim> held = new HashMap<>();
        for (TaskRun run : runs.values()) {
            held.put(run.id(), new TaskPlanner.HeldClaim(run.token(), run.releasing()));
        }
        return held;
    }

    /** What each run holds, by task id. */
    List<HeldTask> held() {
        List<HeldTask> held = new ArrayList<>(runs.size());
        for (TaskRun run : runs.values()) {
            held.add(run.held());
        }
        held.sort(Comparator.comparing(HeldTask::id));
        return held;
    }

    /** Stops counting the handlers of lost runs: the member gave up waiting for them. */
    void forgetLostHandlers() {
        lostHandlersRunning = 0;
    }

    // ---- RunHost ---------------------------------------------------------------------------------

    @Override
    public String memberId() {
        return memberId;
    }

    @Override
    public List<KeyValue> taskCommands(TaskId task) {
        return table.taskCommands(task);
    }

    @Override
    public CompletableFuture<TxnResult> send(TxnBatcher.Write write) {
        return batcher.send(write);
    }

    @Override
    public CompletableFuture<RangeResult> readTask(TaskId task) {
        CompletableFuture<RangeResult> read = new CompletableFuture<>();
        writes.readTask(task).whenCompleteAsync((result, error) -> {
            if (error == null) {
                read.complete(result);
            } else {
                read.completeExceptionally(error);
            }
        }, control);
        return read;
    }

    @Override
    public RunContext runHandler(TaskRun run, TaskState state, Guard fence) {
        RunContext context = new RunContext(run, state, fence, handlers.threads());
        handlers.run(context, () -> onControl(() -> run.onHandlerStarted(context)),
                outcome -> onControl(() -> run.onHandlerReturned(context, outcome)));
        return context;
    }

    /** Hands a handler's news to the control thread, unless the member is closed. */
    private void onControl(Runnable action) {
        try {
            control.execute(action);
        } catch (RejectedExecutionException e) {
            // The member is closed: its claims were released without waiting for this handler.
        }
    }

    @Override
    public void reject(KeyValue command, String reason) {
        commands.reject(command, reason);
    }

    @Override
    public void consumeMemberCommand(String commandKey) {
        commands.consume(commandKey);
    }

    @Override
    public void runEnded(TaskRun run, TaskRun.Ending ending, boolean handlerRunning) {
        runs.remove(run.id());
        if (run.retiring()) {
            retiring--;
        }
        if (ending == TaskRun.Ending.LOST && handlerRunning) {
            lostHandlersRunning++;
        }
        if (ending == TaskRun.Ending.RELEASED) {
            holdOff.released(run.id());
        }
        listener.slotFreed(true);
    }

    @Override
    public void retiring(TaskRun run) {
        retiring++;
        listener.retiring();
    }

    @Override
    public void lostHandlerReturned() {
        lostHandlersRunning = Math.max(0, lostHandlersRunning - 1);
        listener.slotFreed(false);
    }
}
