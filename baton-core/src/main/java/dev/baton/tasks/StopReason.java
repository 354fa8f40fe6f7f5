package dev.baton.tasks;

/** Why a running handler was asked to stop; see {@link TaskContext#stopReason()}. */
public enum StopReason {
    /** The member gives the task up so another member runs it: balancing, a release or stop command. */
    RELEASED,
    /** A pause command: the task is held without running until resumed. */
    PAUSED,
    /** A kill command: the task ends for good. */
    KILLED,
    /** The member is shutting down; the task is released. */
    SHUTDOWN,
    /** The member's session was lost; its claims are void and none of its writes can land. */
    SESSION_LOST,
    /** The run outlasted the task's {@link TaskOptions#timeout() timeout}; it counts as a failed run. */
    TIMED_OUT,
    /** The claim is gone from the store (the task was deleted, or its owner key removed). */
    CLAIM_LOST
}
