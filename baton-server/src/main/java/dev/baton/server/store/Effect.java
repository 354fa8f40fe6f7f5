package dev.baton.server.store;

/**
 * A durable consequence of a write, in the order the writes made them. Replaying a store's
 * effects in order onto its last snapshot rebuilds it exactly (lease deadlines excepted: they
 * restart at a full TTL).
 */
public sealed interface Effect {
    /** A key was put or deleted. */
    record KeyChanged(KeyRevision change) implements Effect {
    }

    /** A lease was granted. */
    record LeaseGranted(long id, long ttlSeconds) implements Effect {
    }

    /** A lease was revoked; the deletes of its keys precede this effect. */
    record LeaseRevoked(long id) implements Effect {
    }

    /** The history was compacted at a revision. */
    record Compacted(long revision) implements Effect {
    }

    /** An alarm of a member was raised ({@code raised}) or disarmed. */
    record AlarmChanged(long memberId, int alarm, boolean raised) implements Effect {
    }

    /** Users, roles, permissions or whether auth is enabled changed: the whole auth state after the change. */
    record AuthChanged(AuthData auth) implements Effect {
    }
}
