package dev.baton.tasks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The member's decision, as a pure function: from the namespace as the member sees it, what it
 * holds and the time, which claims to give up, which tasks to try to claim (in order), and when
 * to look again. No I/O and no threads; the member applies a plan and asks for the next one after
 * every change.
 *
 * <p>The planner builds the {@link BalanceView} (typing every owner with its
 * {@link TaskOwner.Kind}), asks the {@link Balancer}, and holds it to its contract: it releases
 * only claims the member holds and is not already releasing, and claims only tasks that are
 * unclaimed, due (not-before passed), not held off, and at most {@code room} of them. A frozen
 * member plans nothing but its wake-up.
 */
final class TaskPlanner {

    /** A task as the planner needs it. */
    interface PlannedTask {
        TaskId id();

        /** The member the owner key names, or null when the task has no owner. */
        String ownerName();

        /** The owner key's create revision (the claim token), 0 without an owner. */
        long ownerRevision();

        /** The lease the owner key is bound to, 0 without an owner. */
        long ownerLease();

        /** True when a member may run the task: live, every record decodes, not terminal. */
        boolean claimable();

        /** The task's not-before instant, or null. */
        Instant notBefore();
    }

    /** A claim the member holds: its token, and whether it is being given up. */
    record HeldClaim(long token, boolean releasing) {
    }

    /**
     * Everything a plan depends on.
     *
     * @param self     this member's id
     * @param lease    the lease this member's claims are bound to now
     * @param frozen   whether this member is frozen (claims and releases nothing)
     * @param members  the live members that take work, this one included
     * @param tasks    every task of the namespace
     * @param held     the claims this member holds
     * @param heldOff  tasks this member released, each with the instant its hold-off ends
     * @param room     how many more tasks this member may take on now
     * @param spareRoom how many spares to plan beyond {@code room}
     * @param now      the time on the member's clock
     */
    record Input(String self, long lease, boolean frozen, Set<String> members,
                 Iterable<? extends PlannedTask> tasks, Map<TaskId, HeldClaim> held,
                 Map<TaskId, Instant> heldOff, int room, int spareRoom, Instant now) {
    }

    /**
     * What to do now.
     *
     * @param release the held claims to give up, in order
     * @param claim   the tasks to try to claim, in order of preference
     * @param wakeAt  when the plan may change with no other news: the next not-before or end of
     *                a hold-off
     * @param spares  what the balancer also wanted claimed beyond {@code room}, in order: tasks the
     *                member may claim as soon as a slot frees, without another pass, if they are
     *                still unclaimed then (they are within its fair share)
     */
    record Plan(List<TaskId> release, List<TaskId> claim, Optional<Instant> wakeAt, List<TaskId> spares) {
        Plan {
            release = List.copyOf(release);
            claim = List.copyOf(claim);
            spares = List.copyOf(spares);
        }

        /** True when the plan does nothing now: the member is where it should be, or cannot take more. */
        boolean idle() {
            return release.isEmpty() && claim.isEmpty();
        }
    }

    private final Balancer balancer;

    TaskPlanner(Balancer balancer) {
        this.balancer = balancer;
    }

    /**
     * Plans one pass.
     *
     * @throws RuntimeException whatever the balancer threw; the member then keeps what it holds
     */
    Plan plan(Input input) {
        Instant now = input.now();
        Instant wakeAt = null;
        Set<TaskId> heldOff = new HashSet<>();
        for (Map.Entry<TaskId, Instant> holdOff : input.heldOff().entrySet()) {
            if (holdOff.getValue().isAfter(now)) {
                heldOff.add(holdOff.getKey());
                wakeAt = earlier(wakeAt, holdOff.getValue());
            }
        }
        Map<TaskId, TaskOwner> claimed = new HashMap<>();
        Set<TaskId> unclaimed = new HashSet<>();
        for (PlannedTask task : input.tasks()) {
            TaskId id = task.id();
            HeldClaim mine = input.held().get(id);
            if (mine != null) {
                claimed.put(id, heldOwner(input.self(), mine));
            } else if (task.ownerName() != null) {
                claimed.put(id, new TaskOwner(task.ownerName(), task.ownerRevision(), kindOf(task, input)));
            } else if (task.claimable()) {
                Instant notBefore = task.notBefore();
                if (notBefore != null && notBefore.isAfter(now)) {
                    wakeAt = earlier(wakeAt, notBefore);
                } else {
                    unclaimed.add(id);
                }
            }
        }
        input.held().forEach((id, mine) -> claimed.putIfAbsent(id, heldOwner(input.self(), mine)));
        Optional<Instant> wake = Optional.ofNullable(wakeAt);
        if (input.frozen()) {
            return new Plan(List.of(), List.of(), wake, List.of());
        }
        Set<String> members = new HashSet<>(input.members());
        members.add(input.self());
        BalanceDecision decision = balancer.decide(new BalanceView(input.self(), members, claimed, unclaimed, heldOff,
                input.room() + input.spareRoom()));
        List<TaskId> release = new ArrayList<>();
        for (TaskId task : decision.release()) {
            HeldClaim mine = input.held().get(task);
            if (mine != null && !mine.releasing()) {
                release.add(task);
            }
        }
        List<TaskId> claim = new ArrayList<>();
        List<TaskId> spares = new ArrayList<>();
        Set<TaskId> chosen = new HashSet<>();
        for (TaskId task : decision.claim()) {
            if (claim.size() >= input.room() && spares.size() >= input.spareRoom()) {
                break;
            }
            if (unclaimed.contains(task) && !heldOff.contains(task) && chosen.add(task)) {
                (claim.size() < input.room() ? claim : spares).add(task);
            }
        }
        return new Plan(release, claim, wake, spares);
    }

    private static TaskOwner heldOwner(String self, HeldClaim mine) {
        return new TaskOwner(self, mine.token(), mine.releasing() ? TaskOwner.Kind.RELEASING : TaskOwner.Kind.HELD);
    }

    /** An owner key that is not one of this member's runs: another member's, or one of its own on the way out. */
    private static TaskOwner.Kind kindOf(PlannedTask task, Input input) {
        if (!task.ownerName().equals(input.self())) {
            return TaskOwner.Kind.HELD;
        }
        return task.ownerLease() == input.lease() ? TaskOwner.Kind.ENDING : TaskOwner.Kind.PREVIOUS_LEASE;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
