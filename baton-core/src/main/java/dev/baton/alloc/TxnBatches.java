package dev.baton.alloc;

import dev.baton.alloc.StoreChange.Guard;
import dev.baton.alloc.StoreChange.Write;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Packs {@link StoreChange}s into as few transactions as etcd accepts. Pure.
 *
 * <p>etcd refuses a transaction with more than {@code --max-txn-ops} (128 by default) compares,
 * or as many operations in a branch, and one that touches a key twice. Every transaction also
 * carries the leadership fence, so a batch holds at most {@code maxOps - 1} guards, shared guards
 * counted once, and at most {@code maxOps} writes, no key written twice. Changes keep their
 * order and are never split here: {@link PlannedChanges} makes each fit one transaction.
 */
final class TxnBatches {

    private TxnBatches() {
    }

    /**
     * One transaction's worth of changes.
     *
     * @param guards  the distinct guards of its changes
     * @param writes  the writes of its changes, in order
     * @param changes the changes it holds
     */
    record Batch(List<Guard> guards, List<Write> writes, List<StoreChange> changes) {
    }

    /**
     * @throws IllegalArgumentException naming the change when one alone exceeds the limit
     */
    static List<Batch> pack(List<StoreChange> changes, int maxOps) {
        if (maxOps < 2) {
            throw new IllegalArgumentException("max txn ops must be at least 2 (a guard and the fence), got " + maxOps);
        }
        int maxGuards = maxOps - 1;
        List<Batch> batches = new ArrayList<>();
        Open open = new Open();
        for (StoreChange change : changes) {
            if (distinctGuards(change) > maxGuards || change.writes().size() > maxOps) {
                throw new IllegalArgumentException("'" + change.what() + "' needs " + distinctGuards(change)
                        + " compares and " + change.writes().size() + " operations, above the limit of " + maxOps
                        + " per transaction with the fence");
            }
            if (!open.fits(change, maxGuards, maxOps)) {
                batches.add(open.close());
                open = new Open();
            }
            open.add(change);
        }
        if (!open.changes.isEmpty()) {
            batches.add(open.close());
        }
        return batches;
    }

    private static int distinctGuards(StoreChange change) {
        List<Guard> guards = change.guards();
        int distinct = 0;
        for (int i = 0; i < guards.size(); i++) {
            if (isFirstOfItsKey(guards, i)) {
                distinct++;
            }
        }
        return distinct;
    }

    /**
     * True when no guard before index {@code i} has the same key. A change has a handful of
     * guards (an add three), so scanning them beats a set per change when a placement packs
     * tens of thousands.
     */
    private static boolean isFirstOfItsKey(List<Guard> guards, int i) {
        String key = guards.get(i).key();
        for (int j = 0; j < i; j++) {
            if (guards.get(j).key().equals(key)) {
                return false;
            }
        }
        return true;
    }

    /** The batch being filled. */
    private static final class Open {
        private final Map<String, Guard> guards = new LinkedHashMap<>();
        private final Set<String> written = new HashSet<>();
        private final List<Write> writes = new ArrayList<>();
        private final List<StoreChange> changes = new ArrayList<>();

        boolean fits(StoreChange change, int maxGuards, int maxOps) {
            int newGuards = 0;
            List<Guard> changeGuards = change.guards();
            for (int i = 0; i < changeGuards.size(); i++) {
                Guard g = changeGuards.get(i);
                Guard held = guards.get(g.key());
                if (held == null) {
                    if (isFirstOfItsKey(changeGuards, i)) {
                        newGuards++;
                    }
                } else if (held.modRevision() != g.modRevision()) {
                    return false;
                }
            }
            for (Write w : change.writes()) {
                if (written.contains(w.key())) {
                    return false;
                }
            }
            return guards.size() + newGuards <= maxGuards && writes.size() + change.writes().size() <= maxOps;
        }

        void add(StoreChange change) {
            change.guards().forEach(g -> guards.putIfAbsent(g.key(), g));
            change.writes().forEach(w -> written.add(w.key()));
            writes.addAll(change.writes());
            changes.add(change);
        }

        Batch close() {
            return new Batch(List.copyOf(guards.values()), List.copyOf(writes), List.copyOf(changes));
        }
    }
}
