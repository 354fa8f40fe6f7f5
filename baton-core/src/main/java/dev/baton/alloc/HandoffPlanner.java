package dev.baton.alloc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans the safe way from the current assignment to a target. Pure: values in, values out.
 *
 * <p>Rules, for each item with r desired replicas and t target assignments, required ready
 * replicas = min(r, t):
 * <ul>
 *   <li>Missing target assignments are added first, each only while its member stays within
 *       capacity counting everything it holds now (removals come later).
 *   <li>A current assignment outside the target is removed only if the item keeps its required
 *       number of ready replicas without it. A replica that is not ready never counts, so
 *       removing it is always safe, unless it is the primary.
 *   <li>The primary (the assignment marked so, else the oldest) is removed last among its
 *       item's removals, and only right after promoting the oldest ready replica that stays.
 *       With no such replica it waits. An item whose target is empty loses its primary last,
 *       with no promotion.
 * </ul>
 * Applying the steps and planning again with fresh readiness converges: each round adds what
 * fits and removes what is safe, and waiting steps only wait for replicas to become ready or
 * for removals on a full member. One case does not resolve by itself: members that are all
 * full and must trade items with each other. Solver targets leave free capacity whenever
 * fair shares are below capacity, which breaks such cycles.
 */
public final class HandoffPlanner {

    private static final Comparator<AssignmentState> NEWEST_FIRST =
            Comparator.comparingLong(AssignmentState::createRevision).reversed()
                    .thenComparing(s -> s.assignment().member());

    private HandoffPlanner() {
    }

    /**
     * @param items   items with their desired replicas; assignments of items absent here may all go
     * @param members members with their capacities
     * @param current the current assignments with readiness and primary marks
     * @param target  the target assignment, usually from {@link dev.baton.alloc.solver.AllocationSolver}
     * @throws IllegalArgumentException naming the value when the target names an unknown item or
     *                                  member, an assignment repeats, or an item has two primaries
     */
    public static HandoffPlan plan(Collection<Item> items, Collection<Member> members,
                                   Collection<AssignmentState> current, Collection<Assignment> target) {
        Map<String, Integer> replicas = new HashMap<>();
        items.forEach(i -> replicas.put(i.id(), i.replicas()));
        Map<String, Member> memberById = new HashMap<>();
        members.forEach(m -> memberById.put(m.id(), m));

        Set<Assignment> targetSet = new HashSet<>();
        Map<String, Integer> targetCount = new HashMap<>();
        for (Assignment a : target) {
            if (!replicas.containsKey(a.item())) {
                throw new IllegalArgumentException("target assignment " + a + " names unknown item '" + a.item() + "'");
            }
            if (!memberById.containsKey(a.member())) {
                throw new IllegalArgumentException("target assignment " + a + " names unknown member '" + a.member() + "'");
            }
            if (!targetSet.add(a)) {
                throw new IllegalArgumentException("target assignment " + a + " repeats");
            }
            targetCount.merge(a.item(), 1, Integer::sum);
        }

        Map<String, List<AssignmentState>> byItem = new HashMap<>();
        Set<Assignment> currentSet = new HashSet<>();
        Map<String, Integer> held = new HashMap<>();
        for (AssignmentState s : current) {
            if (!currentSet.add(s.assignment())) {
                throw new IllegalArgumentException("current assignment " + s.assignment() + " repeats");
            }
            byItem.computeIfAbsent(s.assignment().item(), k -> new ArrayList<>()).add(s);
            held.merge(s.assignment().member(), 1, Integer::sum);
        }

        // Only the missing assignments are sorted: once placed, a round has few of them among many.
        List<Assignment> missing = new ArrayList<>();
        for (Assignment a : target) {
            if (!currentSet.contains(a)) {
                missing.add(a);
            }
        }
        missing.sort(null);
        List<HandoffStep> steps = new ArrayList<>();
        List<Assignment> waitingAdds = new ArrayList<>();
        for (Assignment a : missing) {
            int holding = held.getOrDefault(a.member(), 0);
            if (holding < memberById.get(a.member()).effectiveCapacity()) {
                steps.add(new HandoffStep.Add(a));
                held.put(a.member(), holding + 1);
            } else {
                waitingAdds.add(a);
            }
        }

        List<Assignment> waitingRemovals = new ArrayList<>();
        List<String> itemsHeld = new ArrayList<>(byItem.keySet());
        itemsHeld.sort(null);
        for (String item : itemsHeld) {
            int required = Math.min(replicas.getOrDefault(item, 0), targetCount.getOrDefault(item, 0));
            planItem(item, byItem.get(item), required, targetSet, steps, waitingRemovals);
        }
        return new HandoffPlan(steps, waitingAdds, waitingRemovals);
    }

    private static void planItem(String item, List<AssignmentState> states, int required, Set<Assignment> target,
                                 List<HandoffStep> steps, List<Assignment> waiting) {
        AssignmentState primary = primaryOf(item, states);
        int ready = 0;
        for (AssignmentState s : states) {
            if (s.ready()) {
                ready++;
            }
        }
        List<AssignmentState> leaving = new ArrayList<>();
        for (AssignmentState s : states) {
            if (!target.contains(s.assignment()) && s != primary) {
                leaving.add(s);
            }
        }
        // Replicas that are not ready go first (they never lower the ready count), newest first.
        leaving.sort(Comparator.comparing(AssignmentState::ready).thenComparing(NEWEST_FIRST));
        for (AssignmentState s : leaving) {
            if (!s.ready() || ready - 1 >= required) {
                steps.add(new HandoffStep.Remove(s.assignment()));
                if (s.ready()) {
                    ready--;
                }
            } else {
                waiting.add(s.assignment());
            }
        }
        if (target.contains(primary.assignment())) {
            return;
        }
        if (primary.ready() && ready - 1 < required) {
            waiting.add(primary.assignment());
            return;
        }
        if (required > 0) {
            AssignmentState successor = states.stream()
                    .filter(s -> s.ready() && target.contains(s.assignment()))
                    .min(Comparator.comparingLong(AssignmentState::createRevision).thenComparing(s -> s.assignment().member()))
                    .orElse(null);
            if (successor == null) {
                waiting.add(primary.assignment());
                return;
            }
            steps.add(new HandoffStep.Promote(successor.assignment()));
        }
        steps.add(new HandoffStep.Remove(primary.assignment()));
    }

    private static AssignmentState primaryOf(String item, List<AssignmentState> states) {
        AssignmentState marked = null;
        AssignmentState oldest = null;
        for (AssignmentState s : states) {
            if (s.primary()) {
                if (marked != null) {
                    throw new IllegalArgumentException("item '" + item + "' has two primaries: "
                            + marked.assignment().member() + " and " + s.assignment().member());
                }
                marked = s;
            }
            if (oldest == null || s.createRevision() < oldest.createRevision()) {
                oldest = s;
            }
        }
        return marked != null ? marked : oldest;
    }
}
