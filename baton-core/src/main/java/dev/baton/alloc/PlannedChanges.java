package dev.baton.alloc;

import dev.baton.alloc.StoreChange.Guard;
import dev.baton.alloc.StoreChange.Write;
import dev.baton.cache.CacheEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the steps of a {@link HandoffPlan} into {@link StoreChange}s, each guarded by the mod
 * revisions of the keys its safety was decided on, and each small enough for one transaction.
 * Pure.
 *
 * <ul>
 *   <li>An add creates {@code assign/<item>/<member>} bound to the member's lease, with an empty
 *       status. Guards: the item key (still the same replicas), the member key (still there with
 *       the same lease, capacity and exiting flag), the assignment key absent. An add whose key
 *       still exists (an orphan from the member's previous lease) is deferred to a later round.
 *   <li>An item's removals are guarded by the item key, by every key they delete (still in the
 *       state the planner judged), and by the ready replicas the item relies on: of the ready
 *       replicas that stay, the promoted one and every older one, then the oldest others, as many
 *       as the item's required ready replicas, min(replicas, target replicas). While those hold,
 *       the item keeps its required ready replicas whichever of its removals land, so the
 *       removals are split into as many changes as one transaction's limit needs, and a status
 *       report on a replica nobody relies on refuses none of them.
 *   <li>In the store the primary is the oldest assignment. A promotion therefore lands as the
 *       deletion, together with the old primary's, of every remaining assignment older than the
 *       promoted replica that is not ready: such a replica never counts toward safety, and the
 *       next round adds it again if the target still wants it. Older ready ones stay, and one of
 *       them then leads, which is just as safe. The item's new primary is thus ready in the
 *       very revision the old one goes. When those deletions do not fit one transaction with
 *       the old primary's, the older replicas go first and the promotion waits for a later
 *       round, which finds them gone.
 * </ul>
 */
final class PlannedChanges {

    private static final byte[] EMPTY_STATUS = new byte[0];
    private static final Comparator<AssignmentState> OLDEST_FIRST =
            Comparator.comparingLong(AssignmentState::createRevision).thenComparing(s -> s.assignment().member());

    private PlannedChanges() {
    }

    /**
     * @param changes    the changes, adds first, then those of each item with removals
     * @param deferred   steps left for a later round: adds whose key still exists, promotions
     *                   whose older replicas go first
     * @param unsendable items whose removals need more ready replicas guarded than one
     *                   transaction holds; their removals are not sent
     */
    record Translation(List<StoreChange> changes, int deferred, List<String> unsendable) {
    }

    /**
     * @param maxOps the most compares, and the most operations, of one transaction, the
     *               leadership's fence included
     */
    static Translation of(HandoffPlan plan, Allocation target, AllocatorView view, AllocatorKeyspace keys, int maxOps) {
        List<StoreChange> changes = new ArrayList<>();
        Map<String, List<HandoffStep>> removalsByItem = new LinkedHashMap<>();
        int deferred = 0;
        for (HandoffStep step : plan.steps()) {
            if (step instanceof HandoffStep.Add add) {
                StoreChange change = add(add.assignment(), view, keys);
                if (change == null) {
                    deferred++;
                } else {
                    changes.add(change);
                }
            } else {
                removalsByItem.computeIfAbsent(step.assignment().item(), k -> new ArrayList<>()).add(step);
            }
        }
        Map<String, Integer> targetReplicas = new HashMap<>();
        if (!removalsByItem.isEmpty()) {
            target.assignments().forEach(a -> targetReplicas.merge(a.item(), 1, Integer::sum));
        }
        List<String> unsendable = new ArrayList<>();
        for (Map.Entry<String, List<HandoffStep>> e : removalsByItem.entrySet()) {
            String item = e.getKey();
            int replicas = view.item(item).map(entry -> ((StoredRecord.ItemRecord) entry.value()).item().replicas()).orElse(0);
            int required = Math.min(replicas, targetReplicas.getOrDefault(item, 0));
            ItemRemovals removals = new ItemRemovals(item, e.getValue(), required, view, keys, maxOps);
            if (removals.changes.isEmpty()) {
                unsendable.add(item);
            } else {
                changes.addAll(removals.changes);
                deferred += removals.deferred;
            }
        }
        return new Translation(changes, deferred, unsendable);
    }

    private static StoreChange add(Assignment a, AllocatorView view, AllocatorKeyspace keys) {
        if (view.assignment(a).isPresent()) {
            return null;
        }
        CacheEntry<StoredRecord> member = view.member(a.member())
                .orElseThrow(() -> new IllegalArgumentException("add " + a + " names a member without a key"));
        CacheEntry<StoredRecord> item = view.item(a.item())
                .orElseThrow(() -> new IllegalArgumentException("add " + a + " names an item without a key"));
        String key = keys.assignment(a);
        return new StoreChange("add " + a,
                List.of(new Guard(item.key(), item.modRevision()), new Guard(member.key(), member.modRevision()),
                        new Guard(key, 0)),
                List.of(new Write.Put(key, EMPTY_STATUS, member.lease())));
    }

    /** The changes of one item's removals and promotion. */
    private static final class ItemRemovals {
        private final String item;
        private final AllocatorView view;
        private final AllocatorKeyspace keys;
        private final List<StoreChange> changes = new ArrayList<>();
        private int deferred;

        ItemRemovals(String item, List<HandoffStep> steps, int required, AllocatorView view, AllocatorKeyspace keys,
                     int maxOps) {
            this.item = item;
            this.view = view;
            this.keys = keys;
            Set<Assignment> removed = new HashSet<>();
            AssignmentState promoted = null;
            Assignment oldPrimary = null;
            for (int i = 0; i < steps.size(); i++) {
                HandoffStep step = steps.get(i);
                if (step instanceof HandoffStep.Promote) {
                    // The planner puts the old primary's removal right after its successor's promotion.
                    promoted = stateOf(step.assignment());
                    oldPrimary = steps.get(i + 1).assignment();
                } else {
                    removed.add(step.assignment());
                }
            }
            List<AssignmentState> staying = new ArrayList<>();
            List<Assignment> demoted = new ArrayList<>();
            for (AssignmentState s : view.currentOf(item)) {
                if (removed.contains(s.assignment())) {
                    continue;
                }
                if (promoted != null && !s.ready() && s.createRevision() < promoted.createRevision()) {
                    demoted.add(s.assignment());
                } else {
                    staying.add(s);
                }
            }
            List<Guard> relied = relied(staying, promoted, required);
            int room = maxOps - 1 - relied.size();
            if (room < 1) {
                return;
            }
            List<Assignment> plain = new ArrayList<>();
            for (HandoffStep step : steps) {
                if (step instanceof HandoffStep.Remove && !step.assignment().equals(oldPrimary)) {
                    plain.add(step.assignment());
                }
            }
            String promotion = null;
            if (oldPrimary != null) {
                if (demoted.size() + 1 <= room) {
                    promotion = "promote " + promoted.assignment().member();
                    List<Assignment> withPrimary = new ArrayList<>();
                    withPrimary.add(oldPrimary);
                    withPrimary.addAll(demoted);
                    changes.add(change(promotion, withPrimary, demoted, relied));
                } else {
                    plain.addAll(demoted);
                    deferred++;
                }
            }
            for (int from = 0; from < plain.size(); from += room) {
                changes.add(change(null, plain.subList(from, Math.min(plain.size(), from + room)), List.of(), relied));
            }
        }

        /** The promoted replica, every staying one older than it, then the oldest others up to {@code required}. */
        private List<Guard> relied(List<AssignmentState> staying, AssignmentState promoted, int required) {
            List<AssignmentState> ready = new ArrayList<>();
            staying.stream().filter(AssignmentState::ready).sorted(OLDEST_FIRST).forEach(ready::add);
            List<AssignmentState> chosen = new ArrayList<>();
            if (promoted != null) {
                for (AssignmentState s : ready) {
                    if (s.createRevision() <= promoted.createRevision()) {
                        chosen.add(s);
                    }
                }
            }
            for (AssignmentState s : ready) {
                if (chosen.size() >= required) {
                    break;
                }
                if (!chosen.contains(s)) {
                    chosen.add(s);
                }
            }
            List<Guard> guards = new ArrayList<>();
            guards.add(new Guard(keys.item(item), view.item(item).map(CacheEntry::modRevision).orElse(0L)));
            chosen.forEach(s -> guards.add(guardOf(s.assignment())));
            return guards;
        }

        private StoreChange change(String promotion, List<Assignment> deletions, List<Assignment> demoted,
                                   List<Guard> relied) {
            List<Guard> guards = new ArrayList<>(relied);
            List<Write> writes = new ArrayList<>();
            StringBuilder what = new StringBuilder("item '").append(item).append("':");
            if (promotion != null) {
                what.append(' ').append(promotion);
            }
            for (Assignment a : deletions) {
                guards.add(guardOf(a));
                writes.add(new Write.Delete(keys.assignment(a)));
                what.append(demoted.contains(a) ? " demote " : " remove ").append(a.member());
            }
            return new StoreChange(what.toString(), guards, writes);
        }

        private Guard guardOf(Assignment a) {
            return new Guard(keys.assignment(a), view.assignment(a).orElseThrow().modRevision());
        }

        private AssignmentState stateOf(Assignment a) {
            for (AssignmentState s : view.currentOf(a.item())) {
                if (s.assignment().equals(a)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("promotion of " + a + ", which is not a current assignment");
        }
    }
}
