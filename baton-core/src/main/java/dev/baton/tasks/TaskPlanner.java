package dev.baton.tasks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 * unclaimed, due (not-before at most the {@link ClaimWindow} ahead), not held off, and at most
 * {@code room} of them. A frozen member plans nothing but its wake-up. A task claimed before its
 * not-before is held like any other (it takes a slot and counts for fairness) until its run
 * starts the handler at the not-before instant.
 *
 * <p><b>Priorities.</b> The balancer decides how many tasks the member claims; when the unclaimed
 * tasks differ in {@link TaskOptions#priority() priority}, the planner decides which: the highest
 * priorities first, within one priority the balancer's own picks first (in its order), then the
 * others by the member's rendezvous score, so members short of tasks still try different ones
 * first. Fairness between members is the balancer's, unchanged.
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

        /** The task's priority; higher is claimed first. */
        int priority();
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
     * @param window   how long before its not-before a task is due
     */
    record Input(String self, long lease, boolean frozen, Set<String> members,
                 Iterable<? extends PlannedTask> tasks, Map<TaskId, HeldClaim> held,
                 Map<TaskId, Instant> heldOff, int room, int spareRoom, Instant now, ClaimWindow window) {
    }

    /**
     * What to do now.
     *
     * @param release the held claims to give up, in order
     * @param claim   the tasks to try to claim, in order of preference
     * @param wakeAt  when the plan may change with no other news: the next instant a task becomes
     *                due (its claim window opens) or a hold-off ends
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
        int lowestPriority = Integer.MAX_VALUE;
        int highestPriority = Integer.MIN_VALUE;
        for (PlannedTask task : input.tasks()) {
            TaskId id = task.id();
            HeldClaim mine = input.held().get(id);
            if (mine != null) {
                claimed.put(id, heldOwner(input.self(), mine));
            } else if (task.ownerName() != null) {
                claimed.put(id, new TaskOwner(task.ownerName(), task.ownerRevision(), kindOf(task, input)));
            } else if (task.claimable()) {
                Instant notBefore = task.notBefore();
                if (!input.window().due(notBefore, now)) {
                    wakeAt = earlier(wakeAt, input.window().opens(notBefore));
                } else {
                    unclaimed.add(id);
                    lowestPriority = Math.min(lowestPriority, task.priority());
                    highestPriority = Math.max(highestPriority, task.priority());
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
        List<TaskId> picks = new ArrayList<>();
        Set<TaskId> chosen = new HashSet<>();
        long wanted = (long) input.room() + input.spareRoom();
        for (TaskId task : decision.claim()) {
            if (picks.size() >= wanted) {
                break;
            }
            if (unclaimed.contains(task) && !heldOff.contains(task) && chosen.add(task)) {
                picks.add(task);
            }
        }
        if (highestPriority > lowestPriority && !picks.isEmpty()) {
            picks = highestPriorities(input, picks, unclaimed, heldOff);
        }
        int claims = Math.min(input.room(), picks.size());
        return new Plan(release, picks.subList(0, claims), wake, picks.subList(claims, picks.size()));
    }

    /**
     * As many tasks as the balancer picked, taken by priority, highest first; within a priority
     * the balancer's picks first, in its order, then the rest by the member's rendezvous score.
     * Only run when the unclaimed tasks differ in priority, so a namespace of one priority pays
     * nothing for it.
     */
    private static List<TaskId> highestPriorities(Input input, List<TaskId> picks, Set<TaskId> unclaimed,
                                                  Set<TaskId> heldOff) {
        Map<TaskId, Integer> pickRank = new HashMap<>();
        for (int i = 0; i < picks.size(); i++) {
            pickRank.put(picks.get(i), i);
        }
        byte[] member = input.self().getBytes(StandardCharsets.UTF_8);
        record Candidate(TaskId task, int priority, int pickRank, long score) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (PlannedTask planned : input.tasks()) {
            TaskId task = planned.id();
            if (unclaimed.contains(task) && !heldOff.contains(task)) {
                Integer rank = pickRank.get(task);
                int priority = planned.priority();
                candidates.add(rank != null ? new Candidate(task, priority, rank, 0)
                        : new Candidate(task, priority, Integer.MAX_VALUE, FairBalancer.rendezvous(member, task)));
            }
        }
        candidates.sort(Comparator.comparingInt(Candidate::priority).reversed()
                .thenComparingInt(Candidate::pickRank)
                .thenComparing((a, b) -> Long.compareUnsigned(b.score(), a.score()))
                .thenComparing(Candidate::task));
        return candidates.subList(0, picks.size()).stream().map(Candidate::task).toList();
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
