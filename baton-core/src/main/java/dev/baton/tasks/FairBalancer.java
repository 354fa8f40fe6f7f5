package dev.baton.tasks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The default balancer: with N tasks and M live members every member converges to
 * ⌊N/M⌋ or ⌈N/M⌉ tasks, and no more tasks move than the fewest any balanced outcome needs.
 *
 * <p><b>Targets.</b> Let q = ⌊N/M⌋ and r = N mod M. Members are ranked by
 * min(held, q + 1), highest first, then by member id ({@link String#compareTo}); the first r get
 * the target q + 1, the others q. Ranking by holdings first gives the spare tasks to members
 * that already hold them, so the total released, Σ max(0, held − target), is the least over
 * every choice of which r members hold q + 1. Capping the holding at q + 1 makes members above
 * the mean rank among themselves by id alone, so the ranking does not shift while they release
 * down to their targets, and no member releases a task only to be short of one later.
 *
 * <p><b>Which tasks go.</b> A member above its target releases its most recently claimed tasks
 * (highest claim revision, then lowest id): the older claims are likelier to have made
 * progress, and the revision order is the same for every member.
 *
 * <p><b>Which tasks to claim.</b> A member below its target offers to claim up to the
 * difference (and no more than the view's claim limit) from the unclaimed tasks it is not
 * holding off. Each task has a rendezvous score per (member id, task id). The unclaimed tasks
 * are shared among all the members below their targets ({@link ClaimShares}): first choices
 * (every task is the first choice of exactly one member) to the member whose first choice they
 * are as far as its room goes, the rest to the members that score them next. A member offers its
 * own share first (first choices first), then the tasks left over, then the others' shares, each
 * group by its own score. Members short of tasks thus claim different tasks, so claims collide
 * only where views differ, every task some member has room for is claimed in one round, and the
 * order is stable across processes. Above {@value ClaimShares#MAX_SCORES} unclaimed tasks times
 * members the shares are not computed: a member offers its first choices, then the others by its
 * score.
 *
 * <p>Decisions from the same view are consistent between members; the runner asks again after
 * every change, so members converge once their views agree.
 */
public final class FairBalancer implements Balancer {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    @Override
    public BalanceDecision decide(BalanceView view) {
        Map<String, Integer> held = new HashMap<>();
        for (String member : view.members()) {
            held.put(member, 0);
        }
        List<Map.Entry<TaskId, TaskOwner>> mine = new ArrayList<>();
        for (Map.Entry<TaskId, TaskOwner> claim : view.claimed().entrySet()) {
            if (!claim.getValue().counts()) {
                continue;
            }
            held.computeIfPresent(claim.getValue().member(), (member, count) -> count + 1);
            if (claim.getValue().member().equals(view.self())) {
                mine.add(claim);
            }
        }
        int target = target(view.self(), held, view.taskCount());
        int holding = mine.size();
        if (holding > target) {
            mine.sort(Comparator.comparingLong((Map.Entry<TaskId, TaskOwner> e) -> e.getValue().claimRevision())
                    .reversed()
                    .thenComparing(Map.Entry::getKey));
            List<TaskId> release = mine.subList(0, holding - target).stream().map(Map.Entry::getKey).toList();
            return new BalanceDecision(holding, target, release, List.of());
        }
        return new BalanceDecision(holding, target, List.of(),
                claimCandidates(view, held, Math.min(target - holding, view.claimLimit())));
    }

    /** The target of {@code self} given every live member's holding and the task count. */
    static int target(String self, Map<String, Integer> held, int tasks) {
        int members = held.size();
        int floor = tasks / members;
        int spare = tasks % members;
        if (spare == 0) {
            return floor;
        }
        int selfKey = Math.min(held.get(self), floor + 1);
        int ranksAbove = 0;
        for (Map.Entry<String, Integer> other : held.entrySet()) {
            int key = Math.min(other.getValue(), floor + 1);
            if (key > selfKey || key == selfKey && other.getKey().compareTo(self) < 0) {
                ranksAbove++;
            }
        }
        return ranksAbove < spare ? floor + 1 : floor;
    }

    private static List<TaskId> claimCandidates(BalanceView view, Map<String, Integer> held, int wanted) {
        if (wanted <= 0) {
            return List.of();
        }
        ClaimShares.Shares shares = null;
        if ((long) view.unclaimed().size() * view.members().size() <= ClaimShares.MAX_SCORES) {
            Map<String, Integer> room = new HashMap<>();
            held.forEach((member, holding) -> room.put(member, target(member, held, view.taskCount()) - holding));
            shares = ClaimShares.of(view.self(), view.members(), room, view.unclaimed());
        }
        long self = memberSeed(view.self().getBytes(StandardCharsets.UTF_8));
        long[] others = new long[view.members().size() - 1];
        int next = 0;
        for (String member : view.members()) {
            if (!member.equals(view.self())) {
                others[next++] = memberSeed(member.getBytes(StandardCharsets.UTF_8));
            }
        }
        int members = view.members().size();
        // rank: with shares, the round the task is this member's in, else members (left over), else
        // members + 1 (another member's); without, 0 for a first choice, else 1.
        record Candidate(TaskId task, int rank, long score) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (TaskId task : view.unclaimed()) {
            if (!view.heldOff().contains(task)) {
                byte[] name = task.value().getBytes(StandardCharsets.UTF_8);
                long score = rendezvous(self, name);
                int rank;
                if (shares != null) {
                    Integer round = shares.mine().get(task);
                    rank = round != null ? round : shares.others().contains(task) ? members + 1 : members;
                } else {
                    rank = firstChoice(score, others, name) ? 0 : 1;
                }
                candidates.add(new Candidate(task, rank, score));
            }
        }
        // The member's own share first (first choices first), then the tasks nobody takes, then the
        // others' shares, each by score, then the id; compared without boxing, since a pass over
        // many unclaimed tasks makes this comparison its hottest code.
        Comparator<Candidate> order = (a, b) -> {
            if (a.rank() != b.rank()) {
                return Integer.compare(a.rank(), b.rank());
            }
            int byScore = Long.compareUnsigned(b.score(), a.score());
            return byScore != 0 ? byScore : a.task().compareTo(b.task());
        };
        if (wanted < candidates.size()) {
            // The best few of many: a bounded heap with the worst kept on top, instead of sorting
            // them all; a candidate no better than that worst one is not even offered to it.
            PriorityQueue<Candidate> best = new PriorityQueue<>(wanted, order.reversed());
            for (Candidate candidate : candidates) {
                if (best.size() < wanted) {
                    best.add(candidate);
                } else if (order.compare(candidate, best.peek()) < 0) {
                    best.poll();
                    best.add(candidate);
                }
            }
            candidates = new ArrayList<>(best);
        }
        candidates.sort(order);
        return candidates.stream().map(Candidate::task).toList();
    }

    /** True when no other member scores the task higher than {@code score}. */
    private static boolean firstChoice(long score, long[] others, byte[] task) {
        for (long other : others) {
            if (Long.compareUnsigned(rendezvous(other, task), score) > 0) {
                return false;
            }
        }
        return true;
    }

    /** A 64-bit FNV-1a hash of member, a zero byte and task, finished with a 64-bit mix. */
    static long rendezvous(byte[] member, TaskId task) {
        return rendezvous(memberSeed(member), task.value().getBytes(StandardCharsets.UTF_8));
    }

    /** The hash's state after a member's name: where that member's score of every task starts. */
    static long memberSeed(byte[] member) {
        long hash = FNV_OFFSET;
        for (byte b : member) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        return hash * FNV_PRIME;
    }

    static long rendezvous(long memberSeed, byte[] task) {
        long hash = memberSeed;
        for (byte b : task) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }
}
