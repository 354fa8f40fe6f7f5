package dev.baton.cli;

/**
 * A command could not do its work for a reason the user can act on (an unreachable store, an
 * unknown task). The command line prints its message, prefixed with the command's name, and exits
 * with status 1; no stack trace.
 */
final class CommandFailure extends RuntimeException {

    CommandFailure(String message) {
        super(message);
    }

    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
