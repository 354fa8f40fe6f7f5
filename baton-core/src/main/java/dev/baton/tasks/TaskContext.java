package dev.baton.tasks;

import dev.baton.etcd.Guard;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What a handler knows about the task it runs, and how it learns to stop. Thread-safe. */
public interface TaskContext {

    TaskId id();

    TaskProperties properties();

    /** The task's state when this run started, including the latest checkpoint. */
    TaskState state();

    /** The id of the member running the task. */
    String member();

    /** The claim token: the create revision of the task's owner key. */
    long claimToken();

    /**
     * The guard for the handler's own writes: holds only while this claim does. Add it to the
     * compares of any transaction made on behalf of the task, and a run that has lost its claim
     * can never write.
     */
    Guard fence();

    /** True once the run should end; see {@link #stopReason()}. */
    boolean isStopRequested();

    /** Why the run should end, once it should. */
    Optional<StopReason> stopReason();

    /**
     * Ends the run without finishing the task when a stop was requested: throws
     * {@link TaskStoppedException}; returns at once otherwise.
     */
    void throwIfStopRequested();

    /**
     * Completes with the stop's reason once a stop is requested, on one of the member's handler
     * threads: react briefly, or hand over to an executor of your own. For handlers that must not
     * block ({@link AsyncTaskHandler}).
     */
    CompletionStage<StopReason> whenStopRequested();

    /** Waits until a stop is requested or {@code timeout} passes; true when a stop was requested. */
    boolean awaitStop(Duration timeout) throws InterruptedException;

    /**
     * Sets the result this run gives when it completes the task: kept in the done record with the
     * final state, and shown by {@link TaskClient#get}, {@link TaskClient#await},
     * {@link TaskClient#whenDone} and {@link TaskClient#onEnds}. The last call of the run wins; a
     * run that does not complete the task (it fails, is stopped, sleeps) stores none, and a later
     * run sets its own. A result is one JSON object of at most
     * {@value TaskResult#MAX_ENCODED_BYTES} bytes: {@link TaskResult#parse} refuses a larger one,
     * naming its size, before anything is stored.
     */
    void result(TaskResult result);

    /**
     * Persists {@code checkpoint} as the task's progress (a CHECKPOINT message, fenced by the
     * claim) and returns once stored; the next run, here or on another member, starts from it.
     *
     * @throws TaskClaimLostException when the claim no longer holds; nothing was stored
     * @throws TaskFormatException    when the checkpoint is too large
     */
    void checkpoint(String checkpoint);
}
