package dev.baton.alloc;

import java.util.List;

/**
 * A target assignment computed by {@link dev.baton.alloc.solver.AllocationSolver}, with figures
 * that describe it.
 *
 * @param assignments     the target assignments, sorted by item then member
 * @param desiredReplicas the sum of all items' desired replicas
 * @param placedReplicas  how many of them the target places (the maximum possible)
 * @param added           target assignments absent from the current assignment (the moves)
 * @param removed         current assignments absent from the target
 * @param optimal         true when the solver certified the target optimal for its objective;
 *                        false only if a large instance hit a case its exact search does not cover,
 *                        in which case the target still meets every hard constraint
 */
public record Allocation(
        List<Assignment> assignments,
        long desiredReplicas,
        long placedReplicas,
        long added,
        long removed,
        boolean optimal) {

    public Allocation {
        assignments = List.copyOf(assignments);
    }

    /** Desired replicas the target could not place for lack of capacity or members. */
    public long unplacedReplicas() {
        return desiredReplicas - placedReplicas;
    }
}
