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
 * @param solved          true when the round ran the solver; false when the last target still
 *                        stood because only the leader's own steps toward it had happened since
 * @param readTime        time to build the view from the cache
 * @param solveTime       time in the solver (zero when the last target stood)
 * @param planTime        time to plan the handoff steps and pack them into transactions
 * @param writeTime       time until every transaction was answered
 * @param echoTime        time from the last answer until the cache showed the writes
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
        boolean solved,
        Duration readTime,
        Duration solveTime,
        Duration planTime,
        Duration writeTime,
        Duration echoTime) {
}
