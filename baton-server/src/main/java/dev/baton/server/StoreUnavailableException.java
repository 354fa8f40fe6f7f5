package dev.baton.server;

/** A write refused because the server is shutting down or its log can no longer be written. */
final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
