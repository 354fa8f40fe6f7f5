package dev.baton.server.watch;

import dev.baton.server.store.KeyRange;
import dev.baton.server.store.KeyRevision;

/** One watch: its keys, options, and the next revision its stream must receive. */
final class Watcher {
    final long id;
    final WatchStream stream;
    final KeyRange range;
    final boolean prevKv;
    final boolean noPut;
    final boolean noDelete;
    final boolean progressNotify;
    /** Guarded by the hub's lock. */
    long nextRevision;
    /** Guarded by the hub's lock. */
    boolean synced;
    /** Guarded by the hub's lock: events went out since the last progress tick. */
    boolean sentSinceProgressTick;
    /** Guarded by the hub's lock: no longer fed (cancelled or compacted). */
    boolean finished;

    Watcher(long id, WatchStream stream, KeyRange range, boolean prevKv, boolean noPut, boolean noDelete,
            boolean progressNotify, long nextRevision) {
        this.id = id;
        this.stream = stream;
        this.range = range;
        this.prevKv = prevKv;
        this.noPut = noPut;
        this.noDelete = noDelete;
        this.progressNotify = progressNotify;
        this.nextRevision = nextRevision;
    }

    /** True when the change is in range and not filtered out. */
    boolean wants(KeyRevision change) {
        if (change.isTombstone() ? noDelete : noPut) {
            return false;
        }
        return range.contains(change.key());
    }
}
