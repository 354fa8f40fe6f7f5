package dev.baton.tasks;

/**
 * The work of a task, for tasks that need no state between runs. One instance serves every task
 * of a member, concurrently, on the member's handler threads; it must be thread-safe.
 *
 * <p>Contract: return normally when the work is finished, and the task is retired as COMPLETED
 * (even when a stop was requested meanwhile: finished work is not redone). Throw when it failed:
 * the run counts as a fault and is retried after the member's {@link RetryPolicy} backoff, until
 * the policy gives up and the task is FAILED. When {@link TaskContext#isStopRequested()} turns
 * true (the task is released, paused or killed, the member shuts down or lost its session) and
 * the work is not finished, end the run by throwing, for instance with
 * {@link TaskContext#throwIfStopRequested()}: a run that throws after a stop was requested has no
 * outcome, and the task continues as the stop says (elsewhere, later, or not at all), except a
 * stop for the task's {@link TaskOptions#timeout() timeout}, which counts as a failed run. A handler
 * that finished its work but whose claim was lost before the retirement could be written runs
 * again elsewhere, so work is done at least once; guard external writes with
 * {@link TaskContext#fence()} so a run that lost its claim cannot write.
 */
@FunctionalInterface
public interface TaskHandler {

    void run(TaskContext context) throws Exception;
}
