package dev.baton.session;

/** A session could not be opened: the store did not grant a lease within the open timeout. */
public final class SessionOpenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SessionOpenException(String message, Throwable cause) {
        super(message, cause);
    }
}
