package dev.baton.tasks;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link Balancer} decides from: one member's view of the live members and of every
 * task it may balance, taken at one store revision.
 *
 * <p>The balanced tasks are {@code claimed} (with their owner) and {@code unclaimed} (claimable
 * now). Tasks that are not claimable yet (a not-before time in the future) or are done belong
 * to neither. A claim whose owner is not a live member still counts as claimed: its key
 * outlives the member until the lease expires. {@code heldOff} are tasks this member released
 * recently and must not claim again yet.
 *
 * @param self      this member's id, one of {@code members}
 * @param members   the ids of the live members
 * @param claimed   the claimed tasks and their owners
 * @param unclaimed the tasks without an owner that can be claimed now
 * @param heldOff   the tasks this member must not claim now
 */
public record BalanceView(String self, Set<String> members, Map<TaskId, TaskOwner> claimed,
                          Set<TaskId> unclaimed, Set<TaskId> heldOff) {

    public BalanceView {
        Objects.requireNonNull(self, "self");
        members = Set.copyOf(members);
        claimed = Map.copyOf(claimed);
        unclaimed = Set.copyOf(unclaimed);
        heldOff = Set.copyOf(heldOff);
        if (!members.contains(self)) {
            throw new IllegalArgumentException("self \"" + self + "\" is not among the live members " + members);
        }
        for (TaskId task : unclaimed) {
            if (claimed.containsKey(task)) {
                throw new IllegalArgumentException("task \"" + task + "\" is both claimed and unclaimed");
            }
        }
    }

    /** The number of balanced tasks, claimed or not. */
    public int taskCount() {
        return claimed.size() + unclaimed.size();
    }
}
