package dev.baton.server.store;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The revisions of one key, oldest first, as held by the store's index.
 *
 * <p>Most keys have a single revision, so the index holds a lone {@link KeyRevision} for them
 * and a {@code KeyHistory} only once a key has two or more; the static methods here accept
 * either form. A history is appended to in place by the single writer: the new element is
 * stored before the volatile {@code size} is raised, so a reader that reads {@code size} first
 * sees a consistent prefix. Growing or compacting builds a new object, which the writer then
 * publishes in the index; readers holding the old one still see a correct superset.
 */
final class KeyHistory {
    private final KeyRevision[] revisions;
    private volatile int size;

    private KeyHistory(KeyRevision[] revisions, int size) {
        this.revisions = revisions;
        this.size = size;
    }

    /** The newest revision of the entry (null: no entry) at or below {@code revision}, or null. */
    static KeyRevision at(Object entry, long revision) {
        if (entry == null) {
            return null;
        }
        if (entry instanceof KeyRevision single) {
            return single.modRevision() <= revision ? single : null;
        }
        KeyHistory history = (KeyHistory) entry;
        int n = history.size;
        KeyRevision[] revs = history.revisions;
        int low = 0;
        int high = n - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (revs[mid].modRevision() <= revision) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found < 0 ? null : revs[found];
    }

    /** The live value of the entry at {@code revision}: null when absent or deleted. */
    static KeyRevision liveAt(Object entry, long revision) {
        KeyRevision r = at(entry, revision);
        return r == null || r.isTombstone() ? null : r;
    }

    /**
     * Appends {@code next} (whose revision is not older than any held) and returns the entry the
     * index must hold afterwards: the same object when appended in place.
     */
    static Object append(Object entry, KeyRevision next) {
        if (entry == null) {
            return next;
        }
        if (entry instanceof KeyRevision single) {
            KeyRevision[] revs = new KeyRevision[4];
            revs[0] = single;
            revs[1] = next;
            return new KeyHistory(revs, 2);
        }
        KeyHistory history = (KeyHistory) entry;
        int n = history.size;
        if (n < history.revisions.length) {
            history.revisions[n] = next;
            history.size = n + 1;
            return history;
        }
        KeyRevision[] grown = Arrays.copyOf(history.revisions, n * 2);
        grown[n] = next;
        return new KeyHistory(grown, n + 1);
    }

    /**
     * The entry without {@code newest}, which must be its newest revision: null when nothing is
     * left. The slot it held is reused by the next append; a reader of an older revision never
     * looks at it.
     */
    static Object dropNewest(Object entry, KeyRevision newest) {
        if (entry instanceof KeyRevision single) {
            requireNewest(single == newest, newest);
            return null;
        }
        KeyHistory history = (KeyHistory) entry;
        int n = history.size;
        requireNewest(n > 0 && history.revisions[n - 1] == newest, newest);
        if (n == 2) {
            return history.revisions[0];
        }
        history.size = n - 1;
        return history;
    }

    private static void requireNewest(boolean newest, KeyRevision change) {
        if (!newest) {
            throw new IllegalStateException("revision " + change.modRevision() + " is not its key's newest");
        }
    }

    /**
     * The entry after compaction at {@code revision}: the newest revision at or below it survives
     * when it is a put, everything newer survives, the rest is dropped. Returns null when nothing
     * survives, and the same object when nothing changes.
     */
    static Object compact(Object entry, long revision) {
        if (entry instanceof KeyRevision single) {
            return single.modRevision() <= revision && single.isTombstone() ? null : single;
        }
        KeyHistory history = (KeyHistory) entry;
        int n = history.size;
        KeyRevision[] revs = history.revisions;
        int firstNewer = 0;
        while (firstNewer < n && revs[firstNewer].modRevision() <= revision) {
            firstNewer++;
        }
        int keepFrom = firstNewer;
        if (firstNewer > 0 && !revs[firstNewer - 1].isTombstone()) {
            keepFrom = firstNewer - 1;
        }
        if (keepFrom == 0) {
            return history;
        }
        int kept = n - keepFrom;
        if (kept == 0) {
            return null;
        }
        if (kept == 1) {
            return revs[keepFrom];
        }
        KeyRevision[] copy = new KeyRevision[Math.max(4, Integer.highestOneBit(kept) * 2)];
        System.arraycopy(revs, keepFrom, copy, 0, kept);
        return new KeyHistory(copy, kept);
    }

    /** Calls {@code action} for every revision of the entry, oldest first. */
    static void forEach(Object entry, Consumer<KeyRevision> action) {
        if (entry instanceof KeyRevision single) {
            action.accept(single);
            return;
        }
        KeyHistory history = (KeyHistory) entry;
        int n = history.size;
        for (int i = 0; i < n; i++) {
            action.accept(history.revisions[i]);
        }
    }
}
