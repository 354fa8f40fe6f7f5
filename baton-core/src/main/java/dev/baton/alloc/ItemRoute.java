package dev.baton.alloc;

import dev.baton.alloc.StoredRecord.AssignmentRecord;
import dev.baton.cache.CacheEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The members responsible for an item, as the store orders them: the primary (the oldest
 * assignment) first, then its replicas, oldest first. During a handoff the route can hold more
 * entries than the item's replicas.
 *
 * @param item    the item's id
 * @param entries the assignments, oldest first; empty when the item is assigned nowhere
 * @param index   this member's position in {@code entries}, or -1 when it holds no assignment
 *                of the item (also while its session is not valid, or before it is current)
 */
public record ItemRoute(String item, List<RouteEntry> entries, int index) {

    public ItemRoute {
        Ids.check("route item id", item);
        entries = List.copyOf(entries);
        if (index < -1 || index >= entries.size()) {
            throw new IllegalArgumentException("index of item '" + item + "' must be -1 or below " + entries.size()
                    + ", got " + index);
        }
    }

    /** True when this member is the item's primary. */
    public boolean isPrimary() {
        return index == 0;
    }

    /** The primary's entry, when the item is assigned. */
    public Optional<RouteEntry> primary() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0));
    }

    /** This member's entry, when it holds the item. */
    public Optional<RouteEntry> self() {
        return index < 0 ? Optional.empty() : Optional.of(entries.get(index));
    }

    /**
     * The route of {@code item} from its assignment keys, as seen by member {@code self}: its own
     * entry is the one named after it and bound to {@code selfLease} (0: none is its own).
     */
    static ItemRoute of(String item, List<CacheEntry<StoredRecord>> assignments, String self, long selfLease) {
        List<CacheEntry<StoredRecord>> sorted = new ArrayList<>(assignments);
        sorted.sort(Comparator.comparingLong(CacheEntry<StoredRecord>::createRevision));
        List<RouteEntry> entries = new ArrayList<>(sorted.size());
        int index = -1;
        for (CacheEntry<StoredRecord> entry : sorted) {
            AssignmentRecord record = (AssignmentRecord) entry.value();
            String member = record.assignment().member();
            if (member.equals(self) && selfLease != 0 && entry.lease() == selfLease) {
                index = entries.size();
            }
            entries.add(new RouteEntry(member, entry.createRevision(), record.status()));
        }
        return new ItemRoute(item, entries, index);
    }
}
