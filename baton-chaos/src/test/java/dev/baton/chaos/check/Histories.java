package dev.baton.chaos.check;

import dev.baton.chaos.history.LedgerEntry;
import dev.baton.chaos.history.StoreEvent;

/** Short constructors for hand-made histories. Times are in milliseconds, converted to nanos. */
final class Histories {

    private Histories() {
    }

    /** A task write: task, token, member, seq, last, revision; its time is the revision in ms. */
    static LedgerEntry task(String task, long token, String member, int seq, boolean last, long revision) {
        return new LedgerEntry(LedgerEntry.Writer.TASK, task, token, member, seq, last, revision * 1_000_000, revision);
    }

    /** A task write at an explicit time in ms. */
    static LedgerEntry taskAt(String task, long token, String member, boolean last, long millis, long revision) {
        return new LedgerEntry(LedgerEntry.Writer.TASK, task, token, member, 0, last, millis * 1_000_000, revision);
    }

    /** A leader write at an explicit time in ms. */
    static LedgerEntry leaderAt(long token, String member, long millis, long revision) {
        return new LedgerEntry(LedgerEntry.Writer.LEADER, "chaos.leader", token, member, 0, false, millis * 1_000_000,
                revision);
    }

    static LedgerEntry leader(long token, String member, long revision) {
        return leaderAt(token, member, revision, revision);
    }

    static StoreEvent put(long revision, String key, String value, long lease) {
        return new StoreEvent(revision, StoreEvent.Type.PUT, key, value, revision, lease);
    }

    static StoreEvent delete(long revision, String key, long lease) {
        return new StoreEvent(revision, StoreEvent.Type.DELETE, key, "", 0, lease);
    }
}
