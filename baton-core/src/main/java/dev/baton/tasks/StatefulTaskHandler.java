package dev.baton.tasks;

/**
 * The work of a task driven by its persisted state machine. Called for RUNNABLE tasks only; one
 * instance serves every task of a member, concurrently, and must be thread-safe.
 *
 * <p>Each call is one run. It starts from {@link TaskContext#state()} (with the checkpoint of the
 * previous run, possibly on another member) and returns the message that ends it:
 * {@link TaskMessage#complete()}, {@link TaskMessage#sleep}, {@link TaskMessage#error},
 * {@link TaskMessage#checkpoint} (record progress and run again), {@link TaskMessage#pause()},
 * {@link TaskMessage#release()} (move to another member) or {@link TaskMessage#kill()}. The member
 * applies it with the {@link TaskStateMachine} and persists the result fenced by the claim. A
 * thrown exception, or a message RUNNABLE does not accept, is applied as an ERROR: a fault,
 * retried with the {@link RetryPolicy} backoff, then FAILED. Progress within a run can be saved
 * with {@link TaskContext#checkpoint}.
 *
 * <p>When {@link TaskContext#isStopRequested()} turns true, return promptly. The message a
 * stopped run returns is applied first, then the stop (pause, release, kill); an exception
 * thrown after a stop was requested counts as no outcome, since stopping likely caused it. A run
 * stopped for the task's {@link TaskOptions#timeout() timeout} counts as an ERROR whatever it
 * returns.
 * After a lost claim or session nothing is applied: no write can land.
 */
@FunctionalInterface
public interface StatefulTaskHandler {

    TaskMessage run(TaskContext context) throws Exception;
}
