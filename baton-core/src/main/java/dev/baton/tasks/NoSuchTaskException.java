package dev.baton.tasks;

/** A task command for a task that does not exist or is done, or a wait for a task that does not exist. Nothing was written. */
public final class NoSuchTaskException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final TaskId task;

    NoSuchTaskException(TaskId task) {
        super("no task " + Excerpt.of(task.value()) + " to command: it does not exist or is done");
        this.task = task;
    }

    NoSuchTaskException(TaskId task, String message) {
        super(message);
        this.task = task;
    }

    /** The task that was not found. */
    public TaskId task() {
        return task;
    }
}
