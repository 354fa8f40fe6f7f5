package dev.baton.alloc;

import dev.baton.alloc.StoreChange.Guard;
import dev.baton.alloc.StoreChange.Write;
import dev.baton.cache.CacheEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the steps of a {@link HandoffPlan} into {@link StoreChange}s, each guarded by the mod
 * revisions of every key its safety was decided on. Pure.
 *
 * <ul>
 *   <li>An add creates {@code assign/<item>/<member>} bound to the member's lease, with an empty
 *       status. Guards: the item key (still the same replicas), the member key (still there with
 *       the same lease, capacity and exiting flag), the assignment key absent. An add whose key
 *       still exists (an orphan from the member's previous lease) is deferred to a later round.
 *   <li>An item's removals and its promotion form one change, guarded by the item key and by
 *       every current assignment key of the item, so that the ready replicas the planner counted
 *       are still there, still with the status it judged ready.
 *   <li>In the store the primary is the oldest assignment. A promotion therefore lands as the
 *       deletion, together with the old primary's, of every remaining assignment older than the
 *       promoted replica that is not ready: such a replica never counts toward safety, and the
 *       next round adds it again if the target still wants it. Older ready ones stay, and one of
 *       them then leads, which is just as safe. The item's new primary is thus ready in the
 *       very revision the old one goes.
 * </ul>
 */
final class PlannedChanges {

    private static final byte[] EMPTY_STATUS = new byte[0];

    private PlannedChanges() {
    }

    /**
     * @param changes  the changes, adds first, then one per item with removals
     * @param deferred adds left for a later round because their key still exists
     */
    record Translation(List<StoreChange> changes, int deferred) {
    }

    static Translation of(HandoffPlan plan, AllocatorView view, AllocatorKeyspace keys) {
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
        removalsByItem.forEach((item, steps) -> changes.add(removals(item, steps, view, keys)));
        return new Translation(changes, deferred);
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

    private static StoreChange removals(String item, List<HandoffStep> steps, AllocatorView view, AllocatorKeyspace keys) {
        List<Guard> guards = new ArrayList<>();
        guards.add(new Guard(keys.item(item), view.item(item).map(CacheEntry::modRevision).orElse(0L)));
        for (AssignmentState s : view.currentOf(item)) {
            guards.add(new Guard(keys.assignment(s.assignment()),
                    view.assignment(s.assignment()).orElseThrow().modRevision()));
        }
        Set<Assignment> deleted = new HashSet<>();
        AssignmentState promoted = null;
        for (HandoffStep step : steps) {
            if (step instanceof HandoffStep.Remove) {
                deleted.add(step.assignment());
            } else {
                promoted = stateOf(view, step.assignment());
            }
        }
        List<Assignment> demoted = new ArrayList<>();
        if (promoted != null) {
            for (AssignmentState s : view.currentOf(item)) {
                if (!deleted.contains(s.assignment()) && !s.ready() && s.createRevision() < promoted.createRevision()) {
                    demoted.add(s.assignment());
                }
            }
        }
        List<Write> writes = new ArrayList<>();
        StringBuilder what = new StringBuilder("item '").append(item).append("':");
        for (HandoffStep step : steps) {
            if (step instanceof HandoffStep.Remove) {
                writes.add(new Write.Delete(keys.assignment(step.assignment())));
                what.append(" remove ").append(step.assignment().member());
            } else {
                what.append(" promote ").append(step.assignment().member());
            }
        }
        for (Assignment a : demoted) {
            writes.add(new Write.Delete(keys.assignment(a)));
            what.append(" demote ").append(a.member());
        }
        return new StoreChange(what.toString(), guards, writes);
    }

    private static AssignmentState stateOf(AllocatorView view, Assignment a) {
        for (AssignmentState s : view.currentOf(a.item())) {
            if (s.assignment().equals(a)) {
                return s;
            }
        }
        throw new IllegalArgumentException("promotion of " + a + ", which is not a current assignment");
    }
}
