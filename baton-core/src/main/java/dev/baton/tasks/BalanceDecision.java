package dev.baton.tasks;

import java.util.List;

/**
 * What a {@link Balancer} tells one member to do now.
 *
 * @param held    the number of tasks the member holds in the view
 * @param target  the number of tasks the member should hold once balanced
 * @param release tasks the member holds and should release now, in order
 * @param claim   unclaimed tasks the member should try to claim now, in order of preference
 */
public record BalanceDecision(int held, int target, List<TaskId> release, List<TaskId> claim) {

    public BalanceDecision {
        if (held < 0 || target < 0) {
            throw new IllegalArgumentException("held " + held + " and target " + target + " must not be negative");
        }
        release = List.copyOf(release);
        claim = List.copyOf(claim);
    }

    /** True when the member has nothing to release or claim. */
    public boolean settled() {
        return release.isEmpty() && claim.isEmpty();
    }
}
