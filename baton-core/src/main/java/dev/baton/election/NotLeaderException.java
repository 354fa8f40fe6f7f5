package dev.baton.election;

/** A fenced leader operation was refused: the leadership it was made under is no longer held. */
public final class NotLeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotLeaderException(String message) {
        super(message);
    }
}
