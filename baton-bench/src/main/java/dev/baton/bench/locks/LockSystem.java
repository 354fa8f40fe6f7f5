package dev.baton.bench.locks;

/** A lock implementation under test: it opens clients, each with its own connection and session. */
interface LockSystem {
    /** The name in the figures, e.g. {@code "Baton Mutex"}. */
    String displayName();

    /** A client of lock {@code name} with its own connection and session. */
    LockClient client(String name) throws Exception;
}
