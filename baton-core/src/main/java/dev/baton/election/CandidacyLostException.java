package dev.baton.election;

/** A campaign ended before this member was elected; {@link #reason()} says why. */
public final class CandidacyLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final LossReason reason;

    CandidacyLostException(String message, LossReason reason) {
        super(message);
        this.reason = reason;
    }

    public LossReason reason() {
        return reason;
    }
}
