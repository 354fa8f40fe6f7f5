package dev.baton.tasks;

/**
 * Thrown by {@link TaskContext#throwIfStopRequested()} (or by a non-blocking handler's stage) so a
 * handler that was asked to stop ends its run without finishing the task. A run that ends by throwing after a stop was requested has
 * no outcome: the task continues as the stop says.
 */
public final class TaskStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final StopReason reason;

    /** The run of {@code task} ended without finishing because it was asked to stop for {@code reason}. */
    public TaskStoppedException(TaskId task, StopReason reason) {
        super("run of task " + Excerpt.of(task.value()) + " stopped: " + reason);
        this.reason = reason;
    }

    /** Why the run was asked to stop. */
    public StopReason reason() {
        return reason;
    }
}
