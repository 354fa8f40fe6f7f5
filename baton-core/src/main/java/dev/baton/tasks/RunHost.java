package dev.baton.tasks;

import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.TxnResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@link TaskRun} needs from the member that holds it. Every call is made on the member's
 * control thread, and every future completes there.
 */
interface RunHost {

    /** The member's id. */
    String memberId();

    /** The pending commands of {@code task}, oldest first. */
    List<KeyValue> taskCommands(TaskId task);

    /** Sends a fenced write of the run's. */
    CompletableFuture<TxnResult> send(TxnBatcher.Write write);

    /** Reads every record of {@code task} at one revision, to resolve an unknown outcome. */
    CompletableFuture<RangeResult> readTask(TaskId task);

    /**
     * Starts the handler for {@code run} from {@code state}, with {@code fence} as its guard, and
     * returns the run's context; the handler's actual start (it may wait for a place among the
     * member's running handlers) comes back through {@link TaskRun#onHandlerStarted} and its
     * outcome through {@link TaskRun#onHandlerReturned}, never before this returns.
     */
    RunContext runHandler(TaskRun run, TaskState state, Guard fence);

    /** Reports a command the run refused; the run consumes it. */
    void reject(KeyValue command, String reason);

    /** Consumes a member command that asked for a release the run was already making. */
    void consumeMemberCommand(String commandKey);

    /** The run ended; {@code handlerRunning} when a lost run's handler has not returned yet. */
    void runEnded(TaskRun run, TaskRun.Ending ending, boolean handlerRunning);

    /** The handler of a run that ended while it was running has returned: its slot is free. */
    void lostHandlerReturned();

    /** The run's work is over and its retirement is being written: its slot may take the next task. */
    void retiring(TaskRun run);
}
