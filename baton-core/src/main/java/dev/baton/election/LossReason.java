package dev.baton.election;

/** Why a candidacy or a leadership ended. Whatever the reason, it ends once and for good. */
public enum LossReason {
    /** The session declared its lease LOST, before etcd could expire it and elect someone else. */
    SESSION_LOST,
    /** The session was closed; its lease is revoked, so successors take over at once. */
    SESSION_CLOSED,
    /**
     * The candidate key was deleted while the session still held its lease: another client deleted
     * it. (A deletion seen after the session's deadline counts as {@code SESSION_LOST}.)
     */
    KEY_DELETED,
    /** This member withdrew its candidacy or resigned. */
    RESIGNED
}
