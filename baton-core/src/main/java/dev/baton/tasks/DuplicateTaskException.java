package dev.baton.tasks;

/**
 * A submit refused because the id is taken: a task with it exists, or a task with it is done
 * and its record has not been deleted. Nothing was written.
 */
public final class DuplicateTaskException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final TaskId task;

    private DuplicateTaskException(TaskId task, String message) {
        super(message);
        this.task = task;
    }

    static DuplicateTaskException exists(TaskId task, long createRevision) {
        return new DuplicateTaskException(task, "task " + Excerpt.of(task.value())
                + " already exists (submitted at revision " + createRevision + ")");
    }

    static DuplicateTaskException done(TaskId task) {
        return new DuplicateTaskException(task, "task " + Excerpt.of(task.value())
                + " is done; delete it before submitting the id again");
    }

    /** The id that is taken. */
    public TaskId task() {
        return task;
    }
}
