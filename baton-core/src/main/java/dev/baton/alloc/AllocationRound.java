package dev.baton.alloc;

import java.time.Duration;

/**
 * What one planning round of the leader saw and did.
 *
 * @param revision        the store revision the round planned from
 * @param items           items it knew
 * @param members         members it knew
 * @param desiredReplicas the sum of the items' replicas
 * @param placedReplicas  replicas the target places (fewer than desired only when capacity or
 *                        members are short)
 * @param assignments     current assignments, orphans included
 * @param changes         store changes it sent (adds, and per item its removals)
 * @param waiting         steps not safe yet: adds waiting for room, removals waiting for ready replicas
 * @param transactions    transactions it sent
 * @param refused         transactions the store refused because a guard or the fence no longer
 *                        held, plus one when a transaction's outcome stayed unknown
 * @param converged       true when the current assignment already was the target
 * @param solveTime       time to build the view, solve and plan
 * @param applyTime       time to send the changes and see them in the cache
 */
public record AllocationRound(
        long revision,
        int items,
        int members,
        long desiredReplicas,
        long placedReplicas,
        int assignments,
        int changes,
        int waiting,
        int transactions,
        int refused,
        boolean converged,
        Duration solveTime,
        Duration applyTime) {
}
