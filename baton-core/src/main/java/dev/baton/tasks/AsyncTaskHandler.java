package dev.baton.tasks;

import java.util.concurrent.CompletionStage;

/**
 * The work of a task that waits without holding a thread: {@link #start} begins the work and
 * returns at once, and the returned stage completes when the work does. A member holding
 * thousands of long-running tasks (watches, subscriptions, leases on other systems) then needs a
 * handful of threads instead of one per task. One instance serves every task of a member,
 * concurrently; it must be thread-safe.
 *
 * <p>Contract: {@code start} must not block; it is called on one of the member's few handler
 * threads. Complete the stage normally when the work is finished (the task is retired as
 * COMPLETED), exceptionally when it failed (a fault, retried with the member's
 * {@link RetryPolicy}). Learn that the run should end from
 * {@link TaskContext#whenStopRequested()}; complete the stage exceptionally (for instance with
 * {@link TaskStoppedException}) when it ended without finishing: after a stop was requested
 * that counts as no outcome. A {@code start} that throws counts as a failed run. Guard external
 * writes with {@link TaskContext#fence()}, as with {@link TaskHandler}.
 */
@FunctionalInterface
public interface AsyncTaskHandler {

    CompletionStage<Void> start(TaskContext context);
}
