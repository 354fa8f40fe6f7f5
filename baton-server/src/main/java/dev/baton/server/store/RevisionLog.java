package dev.baton.server.store;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every retained change in the order it was made: by revision, and within a revision in the
 * order of the operations of the write. Watchers catch up from it.
 *
 * <p>Single writer, lock-free readers, with the same publication rule as {@link KeyHistory}:
 * an element is stored before the volatile size covering it is raised, and a segment whose
 * array must change is replaced as a whole.
 */
final class RevisionLog {
    private static final class Segment {
        final KeyRevision[] entries;
        volatile int size;

        Segment(KeyRevision[] entries, int size) {
            this.entries = entries;
            this.size = size;
        }
    }

    private volatile Segment segment = new Segment(new KeyRevision[1024], 0);

    void append(KeyRevision change) {
        Segment s = segment;
        int n = s.size;
        if (n == s.entries.length) {
            Segment grown = new Segment(Arrays.copyOf(s.entries, n * 2), n);
            grown.entries[n] = change;
            grown.size = n + 1;
            segment = grown;
            return;
        }
        s.entries[n] = change;
        s.size = n + 1;
    }

    /** Drops {@code newest}, the last change appended; its slot is reused by the next append. */
    void dropNewest(KeyRevision newest) {
        Segment s = segment;
        int n = s.size;
        if (n == 0 || s.entries[n - 1] != newest) {
            throw new IllegalStateException("revision " + newest.modRevision() + " is not the newest change");
        }
        s.size = n - 1;
    }

    /** Calls {@code action} for each change with {@code from <= modRevision <= to}, in order. */
    void forEach(long from, long to, Consumer<KeyRevision> action) {
        Segment s = segment;
        int n = s.size;
        KeyRevision[] entries = s.entries;
        for (int i = firstAtOrAfter(entries, n, from); i < n; i++) {
            KeyRevision change = entries[i];
            if (change.modRevision() > to) {
                return;
            }
            action.accept(change);
        }
    }

    /**
     * Drops every change below {@code revision}, and the changes at {@code revision} for which
     * {@code keepAtRevision} is false.
     */
    void compact(long revision, Predicate<KeyRevision> keepAtRevision) {
        Segment s = segment;
        int n = s.size;
        int from = firstAtOrAfter(s.entries, n, revision);
        KeyRevision[] kept = new KeyRevision[Math.max(1024, Integer.highestOneBit(Math.max(1, n - from)) * 2)];
        int size = 0;
        for (int i = from; i < n; i++) {
            KeyRevision change = s.entries[i];
            if (change.modRevision() > revision || keepAtRevision.test(change)) {
                kept[size++] = change;
            }
        }
        segment = new Segment(kept, size);
    }

    private static int firstAtOrAfter(KeyRevision[] entries, int n, long revision) {
        int low = 0;
        int high = n;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (entries[mid].modRevision() < revision) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
