package dev.baton.cache;

import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.WatchEvent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * What a cache holds at one revision: every key under the prefix (decoded or not) and an index of
 * the keys whose value failed to decode. Immutable; applying watch events or a reload yields new
 * contents that share everything unchanged, plus the {@link KeyChange}s of the decoded view.
 *
 * @param revision the store revision these contents are exact at
 * @param entries  every key under the prefix, by key suffix
 * @param errors   the keys among {@code entries} whose value is {@link Undecodable}
 */
record CacheContents(long revision, EntryTree entries, EntryTree errors) {

    static final CacheContents EMPTY = new CacheContents(0, EntryTree.EMPTY, EntryTree.EMPTY);

    /** The same contents, known to be exact at a later revision (a progress notification). */
    CacheContents at(long laterRevision) {
        return laterRevision > revision ? new CacheContents(laterRevision, entries, errors) : this;
    }

    /** Number of keys in the decoded view. */
    int decodedSize() {
        return entries.size() - errors.size();
    }

    /**
     * These contents with {@code events} (in revision order, as a watch delivers them) applied;
     * the view's changes are appended to {@code changes} in the same order. Events at or below
     * {@link #revision} are already reflected (a read overtook the watch) and are skipped.
     */
    <T> CacheContents apply(List<WatchEvent> events, Decoding<T> decoding, List<KeyChange<T>> changes) {
        EntryTree newEntries = entries;
        EntryTree newErrors = errors;
        long newRevision = revision;
        for (WatchEvent event : events) {
            if (event.modRevision() <= revision) {
                continue;
            }
            byte[] suffix = decoding.suffix(event.key());
            Slot before = newEntries.get(suffix);
            T beforeValue = before == null ? null : before.decoded();
            if (event.type() == WatchEvent.Type.PUT) {
                Slot after = decoding.slot(event.kv());
                newEntries = newEntries.put(suffix, after);
                newErrors = after.error() != null ? newErrors.put(suffix, after) : newErrors.remove(suffix);
                changes.add(new KeyChange<>(event.key(), beforeValue, after.decoded(), after.error(), event.modRevision()));
            } else if (before != null) {
                newEntries = newEntries.remove(suffix);
                newErrors = newErrors.remove(suffix);
                changes.add(new KeyChange<>(event.key(), beforeValue, null, null, event.modRevision()));
            }
            newRevision = Math.max(newRevision, event.modRevision());
        }
        return new CacheContents(newRevision, newEntries, newErrors);
    }

    /**
     * The contents a full read found, reusing every entry whose write is unchanged (same create and
     * mod revision: neither decoded again nor reported). Appends the differences to {@code changes}
     * in revision order; keys found gone are reported at the read's revision, the only one known.
     */
    <T> CacheContents reload(RangeResult read, Decoding<T> decoding, List<KeyChange<T>> changes) {
        int firstChange = changes.size();
        EntryTree.SortedBuilder newEntries = new EntryTree.SortedBuilder();
        EntryTree.SortedBuilder newErrors = new EntryTree.SortedBuilder();
        Iterator<EntryTree.TreeEntry> old = entries.iterator(null);
        EntryTree.TreeEntry current = old.hasNext() ? old.next() : null;
        for (KeyValue kv : read.kvs()) {
            byte[] suffix = decoding.suffix(kv.key());
            while (current != null && Arrays.compareUnsigned(current.key(), suffix) < 0) {
                changes.add(removal(decoding.key(current.key()), current.slot(), read.revision()));
                current = old.hasNext() ? old.next() : null;
            }
            Slot before = null;
            if (current != null && Arrays.equals(current.key(), suffix)) {
                before = current.slot();
                current = old.hasNext() ? old.next() : null;
            }
            Slot slot;
            if (before != null && before.sameWrite(kv)) {
                slot = before;
            } else {
                slot = decoding.slot(kv);
                T beforeValue = before == null ? null : before.decoded();
                changes.add(new KeyChange<>(kv.key(), beforeValue, slot.decoded(), slot.error(), kv.modRevision()));
            }
            newEntries.append(suffix, slot);
            if (slot.error() != null) {
                newErrors.append(suffix, slot);
            }
        }
        while (current != null) {
            changes.add(removal(decoding.key(current.key()), current.slot(), read.revision()));
            current = old.hasNext() ? old.next() : null;
        }
        changes.subList(firstChange, changes.size()).sort(Comparator.comparingLong(KeyChange::revision));
        return new CacheContents(read.revision(), newEntries.build(), newErrors.build());
    }

    private static <T> KeyChange<T> removal(String key, Slot slot, long revision) {
        return new KeyChange<>(key, slot.decoded(), null, null, revision);
    }
}
