package dev.baton.alloc;

import dev.baton.alloc.solver.AllocationSolver;
import java.util.List;
import java.util.Set;

/**
 * The leader's last target and the inputs it was solved from, so that a round solves only when
 * the question changed.
 *
 * <p>The leader's own writes only add target assignments that were missing at the solve and
 * remove current ones outside the target. While the items and members are unchanged and every
 * difference in the live assignments is one of those, the target stays optimal: levels 1–4 of
 * the objective do not depend on the current assignment, and an add already made lowers this
 * target's moves by one and any other target's by at most one. Anything else (an item or member
 * changed, a kept replica lost with its lease, an assignment the leader did not plan) calls for a
 * new solve.
 */
final class SolvedTarget {

    private final Set<Item> items;
    private final Set<Member> members;
    private final Set<Assignment> liveAtSolve;
    private final Set<Assignment> targetSet;
    /** How many live assignments at the solve were in the target: those the leader never removes. */
    private final int keptAtSolve;
    private final Allocation allocation;

    private SolvedTarget(AllocatorView view, Allocation allocation) {
        this.items = Set.copyOf(view.items());
        this.members = Set.copyOf(view.members());
        this.liveAtSolve = Set.copyOf(view.live());
        this.targetSet = Set.copyOf(allocation.assignments());
        this.keptAtSolve = (int) liveAtSolve.stream().filter(targetSet::contains).count();
        this.allocation = allocation;
    }

    static SolvedTarget solve(AllocatorView view) {
        return new SolvedTarget(view, AllocationSolver.solve(view.items(), view.members(), view.live()));
    }

    Allocation allocation() {
        return allocation;
    }

    /**
     * True when {@code view} differs from the solve's inputs only by steps toward this target.
     * One pass over each input, no copies: rounds at a standing target must cost little.
     */
    boolean standsFor(AllocatorView view) {
        if (!sameElements(items, view.items()) || !sameElements(members, view.members())) {
            return false;
        }
        int kept = 0;
        for (Assignment a : view.live()) {
            boolean wasLive = liveAtSolve.contains(a);
            if (!wasLive && !targetSet.contains(a)) {
                return false;
            }
            if (wasLive && targetSet.contains(a)) {
                kept++;
            }
        }
        // Live assignments are distinct, so every kept one is still live exactly when the counts match.
        return kept == keptAtSolve;
    }

    /** {@code list} holds distinct values (ids are unique in a view). */
    private static <T> boolean sameElements(Set<T> set, List<T> list) {
        if (set.size() != list.size()) {
            return false;
        }
        for (T value : list) {
            if (!set.contains(value)) {
                return false;
            }
        }
        return true;
    }
}
