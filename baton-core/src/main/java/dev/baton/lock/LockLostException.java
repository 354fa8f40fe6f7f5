package dev.baton.lock;

/** A wait for a lock ended before the lock was held; {@link #reason()} says why. */
public final class LockLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final LossReason reason;

    LockLostException(String message, LossReason reason) {
        super(message);
        this.reason = reason;
    }

    public LossReason reason() {
        return reason;
    }
}
