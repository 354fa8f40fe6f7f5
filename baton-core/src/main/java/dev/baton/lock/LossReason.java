package dev.baton.lock;

/** Why a held lock (or a wait for one) ended. Whatever the reason, it ends once and for good. */
public enum LossReason {
    /** The session declared its lease LOST, before etcd could expire it and let anyone else hold. */
    SESSION_LOST,
    /** The session was closed; its lease is revoked, so the next contender holds at once. */
    SESSION_CLOSED,
    /**
     * The contender key was deleted while the session still held its lease: another client deleted
     * it. (A deletion seen after the session's deadline counts as {@code SESSION_LOST}.)
     */
    KEY_DELETED,
    /** This member released the lock, or gave up waiting for it. */
    RELEASED
}
