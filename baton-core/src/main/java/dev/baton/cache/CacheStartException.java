package dev.baton.cache;

/** A cache could not load its prefix within the start timeout. */
public final class CacheStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CacheStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
