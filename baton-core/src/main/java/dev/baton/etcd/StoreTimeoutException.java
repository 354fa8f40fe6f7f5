package dev.baton.etcd;

/**
 * A request got no answer within the request timeout. For a write the outcome is unknown: it may
 * have been applied. Resolve it by reading back, never by sending the write again.
 */
public final class StoreTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreTimeoutException(String message) {
        super(message);
    }
}
