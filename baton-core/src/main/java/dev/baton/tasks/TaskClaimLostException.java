package dev.baton.tasks;

/**
 * A write for a claim that no longer holds: the owner key is gone or belongs to a newer claim,
 * so the write was refused by its fence and nothing was stored. The handler should return.
 */
public final class TaskClaimLostException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    TaskClaimLostException(TaskId task, long token, String why) {
        super("claim " + token + " on task " + Excerpt.of(task.value()) + " is lost: " + why);
    }
}
