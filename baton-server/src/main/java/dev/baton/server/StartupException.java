package dev.baton.server;

/**
 * The server could not start: its data directory is locked by another server, unwritable or
 * damaged, or its address is unavailable. The message says which, naming the file or address.
 */
public final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
