package dev.baton.tasks;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link Balancer} decides from: one member's view of the live members and of every
 * task it may balance, taken at one store revision.
 *
 * <p>The balanced tasks are {@code claimed} (with their owner) and {@code unclaimed} (claimable
 * now). Tasks that are not claimable yet (a not-before time further ahead than the member's
 * claim window), are done, or whose
 * records do not decode belong to neither. {@code members} are the live members that take work:
 * registered, not frozen, with a record that decodes; {@code self} is always among them.
 *
 * <p>Every owner a balancer can meet in {@code claimed}:
 * <ul>
 *   <li>{@link TaskOwner.Kind#HELD} by {@code self}: a claim this member holds and runs; the only
 *       tasks it may release.
 *   <li>{@link TaskOwner.Kind#HELD} by a member in {@code members}: that member's work.
 *   <li>{@link TaskOwner.Kind#HELD} by a member not in {@code members}: a member that is frozen,
 *       left, or whose lease has not expired yet. The task counts as claimed (nobody can claim it
 *       until the owner key goes) but for no live member.
 *   <li>{@link TaskOwner.Kind#RELEASING}, {@link TaskOwner.Kind#ENDING},
 *       {@link TaskOwner.Kind#PREVIOUS_LEASE}: claims of {@code self}'s id on their way out (being
 *       released, a release or retirement landing, a lease lost earlier). They count for no member
 *       and cannot be released again.
 * </ul>
 * {@code heldOff} are tasks this member released recently and must not claim again yet.
 *
 * @param self      this member's id, one of {@code members}
 * @param members   the ids of the live members
 * @param claimed   the claimed tasks and their owners
 * @param unclaimed the tasks without an owner that can be claimed now
 * @param heldOff   the tasks this member must not claim now
 * @param claimLimit the most claims the member can use from this decision (its free slots and a
 *                  few spares); a balancer may return more, but computing fewer is cheaper
 */
public record BalanceView(String self, Set<String> members, Map<TaskId, TaskOwner> claimed,
                          Set<TaskId> unclaimed, Set<TaskId> heldOff, int claimLimit) {

    /** A view with no limit on the claims a decision may use. */
    public BalanceView(String self, Set<String> members, Map<TaskId, TaskOwner> claimed, Set<TaskId> unclaimed,
                       Set<TaskId> heldOff) {
        this(self, members, claimed, unclaimed, heldOff, Integer.MAX_VALUE);
    }

    /**
     * Copies the collections into unmodifiable hash-based ones (the immutable collections of
     * {@code Map.copyOf} probe linearly and slow down badly on the close hash codes of ids like
     * {@code job-00001}, {@code job-00002}, ...); nulls are refused as {@code Map.copyOf} would.
     */
    public BalanceView {
        Objects.requireNonNull(self, "self");
        members = Set.copyOf(members);
        claimed = copyOf(claimed);
        unclaimed = copyOf(unclaimed, "an unclaimed task");
        heldOff = copyOf(heldOff, "a held-off task");
        if (claimLimit < 0) {
            throw new IllegalArgumentException("claimLimit must not be negative, is " + claimLimit);
        }
        if (!members.contains(self)) {
            throw new IllegalArgumentException("self \"" + self + "\" is not among the live members " + members);
        }
        for (TaskId task : unclaimed) {
            if (claimed.containsKey(task)) {
                throw new IllegalArgumentException("task \"" + task + "\" is both claimed and unclaimed");
            }
        }
    }

    private static Map<TaskId, TaskOwner> copyOf(Map<TaskId, TaskOwner> claimed) {
        Map<TaskId, TaskOwner> copy = new HashMap<>(claimed.size() * 4 / 3 + 1);
        claimed.forEach((task, owner) -> copy.put(Objects.requireNonNull(task, "a claimed task is null"),
                Objects.requireNonNull(owner, "a claimed task's owner is null")));
        return Collections.unmodifiableMap(copy);
    }

    private static Set<TaskId> copyOf(Set<TaskId> tasks, String what) {
        Set<TaskId> copy = new HashSet<>(tasks);
        if (copy.contains(null)) {
            throw new NullPointerException(what + " is null");
        }
        return Collections.unmodifiableSet(copy);
    }

    /** The number of balanced tasks, claimed or not. */
    public int taskCount() {
        return claimed.size() + unclaimed.size();
    }
}
