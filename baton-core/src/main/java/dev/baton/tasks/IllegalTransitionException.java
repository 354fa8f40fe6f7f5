package dev.baton.tasks;

/**
 * A message the current status does not accept, such as {@code COMPLETE} while
 * {@code PAUSED}, or any message once terminal. The state is left as it was.
 */
public final class IllegalTransitionException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final TaskStatus status;
    private final TaskMessage.Kind kind;

    IllegalTransitionException(TaskStatus status, TaskMessage.Kind kind) {
        super("illegal task transition (" + status + ", " + kind + "): status " + status
                + (status.terminal() ? " is terminal and accepts no message" : " does not accept " + kind));
        this.status = status;
        this.kind = kind;
    }

    /** The status that refused the message. */
    public TaskStatus status() {
        return status;
    }

    /** The kind of the refused message. */
    public TaskMessage.Kind kind() {
        return kind;
    }
}
