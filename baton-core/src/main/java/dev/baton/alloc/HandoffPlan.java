package dev.baton.alloc;

import java.util.List;

/**
 * The safe next steps from the current assignment toward a target.
 *
 * @param steps           changes that are safe now, in order: every add, then per item its
 *                        removals, a primary's removal directly preceded by a promotion
 * @param waitingAdds     target assignments not added yet because their member is full until
 *                        one of its own removals happens
 * @param waitingRemovals current assignments not removed yet because the item would fall below
 *                        its required ready replicas, or no ready replica can take over as primary
 */
public record HandoffPlan(List<HandoffStep> steps, List<Assignment> waitingAdds, List<Assignment> waitingRemovals) {

    public HandoffPlan {
        steps = List.copyOf(steps);
        waitingAdds = List.copyOf(waitingAdds);
        waitingRemovals = List.copyOf(waitingRemovals);
    }

    /** True when the current assignment already is the target. */
    public boolean converged() {
        return steps.isEmpty() && waitingAdds.isEmpty() && waitingRemovals.isEmpty();
    }
}
