package dev.baton.session;

/** The states of a {@link Session}; see the package documentation for what each one promises. */
public enum SessionState {
    CONNECTED,
    SUSPENDED,
    LOST,
    CLOSED
}
