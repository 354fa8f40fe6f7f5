package dev.baton.tasks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which unclaimed tasks each member below its target takes, decided alike by every member that
 * sees the same view, so that the members' claims do not collide and every task some member has
 * room for is claimed in the first round. Pure.
 *
 * <p>A member's room is its target less what it holds ({@link FairBalancer#target}). Tasks go to
 * members in rounds: in round k, each member with room left takes, of the tasks not taken yet that
 * rank it k-th by rendezvous score, those it scores highest, up to its room. Round 0 hands out
 * first choices, so a member with room for all its first choices takes exactly those; the first
 * choices a member has no room for go in round 1 to the members that score them second, and so
 * on. A task is left over only when every member that could take it is full. Taking first choices
 * alone, each member short of first choices would fill its room with the best-scored of the
 * others' tasks, where the other members short of first choices look too: those claims collide,
 * and the tasks nobody picked wait for a later pass, one claim round trip at least.
 *
 * <p>Members whose views differ (a claim one has seen and another not yet) may compute different
 * shares; their claims may then collide as before: one wins, and the next passes take the rest.
 */
final class ClaimShares {

    /**
     * The most scores (unclaimed tasks times members) shares are computed from: every member's
     * score of every task is needed. Beyond it a member takes its first choices, then the others
     * by its own score.
     */
    static final int MAX_SCORES = 32_768;

    /**
     * The tasks of one member's share and of the others'.
     *
     * @param mine   the member's own share, each task with the round it is taken in (0 for a first choice)
     * @param others the tasks the other members take, as far as the sharing went: it stops once
     *               the member is full, when the rest no longer matters to it
     */
    record Shares(Map<TaskId, Integer> mine, Set<TaskId> others) {
    }

    /** A task with every member's score of it, and the members by score, highest first. */
    private record Ranked(TaskId task, long[] scores, int[] order) {
        static Ranked of(TaskId task, long[] seeds) {
            byte[] name = task.value().getBytes(StandardCharsets.UTF_8);
            long[] scores = new long[seeds.length];
            int[] order = new int[seeds.length];
            for (int i = 0; i < seeds.length; i++) {
                long score = FairBalancer.rendezvous(seeds[i], name);
                scores[i] = score;
                int at = i;
                while (at > 0 && Long.compareUnsigned(scores[order[at - 1]], score) < 0) {
                    order[at] = order[at - 1];
                    at--;
                }
                order[at] = i;
            }
            return new Ranked(task, scores, order);
        }
    }

    private ClaimShares() {
    }

    /**
     * Shares {@code unclaimed} among {@code members}.
     *
     * @param self      the member whose share is returned, one of {@code members}
     * @param room      how many more tasks each member takes (a member absent or at most 0 takes none)
     * @param unclaimed the tasks to share
     */
    static Shares of(String self, Set<String> members, Map<String, Integer> room, Set<TaskId> unclaimed) {
        List<String> ids = members.stream().sorted().toList();
        int count = ids.size();
        int selfIndex = ids.indexOf(self);
        long[] seeds = new long[count];
        int[] left = new int[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = FairBalancer.memberSeed(ids.get(i).getBytes(StandardCharsets.UTF_8));
            left[i] = Math.max(0, room.getOrDefault(ids.get(i), 0));
        }
        List<Ranked> open = new ArrayList<>(unclaimed.size());
        for (TaskId task : unclaimed) {
            open.add(Ranked.of(task, seeds));
        }
        Map<TaskId, Integer> mine = new HashMap<>();
        Set<TaskId> others = new HashSet<>();
        for (int round = 0; round < count && !open.isEmpty() && left[selfIndex] > 0; round++) {
            List<List<Ranked>> asked = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                asked.add(new ArrayList<>());
            }
            for (Ranked task : open) {
                int member = task.order()[round];
                if (left[member] > 0) {
                    asked.get(member).add(task);
                }
            }
            Set<TaskId> taken = new HashSet<>();
            for (int member = 0; member < count; member++) {
                List<Ranked> tasks = asked.get(member);
                if (tasks.size() > left[member]) {
                    int scorer = member;
                    tasks.sort((a, b) -> {
                        int byScore = Long.compareUnsigned(b.scores()[scorer], a.scores()[scorer]);
                        return byScore != 0 ? byScore : a.task().compareTo(b.task());
                    });
                    tasks = tasks.subList(0, left[member]);
                }
                left[member] -= tasks.size();
                for (Ranked task : tasks) {
                    taken.add(task.task());
                    if (member == selfIndex) {
                        mine.put(task.task(), round);
                    } else {
                        others.add(task.task());
                    }
                }
            }
            open.removeIf(task -> taken.contains(task.task()));
        }
        return new Shares(mine, others);
    }
}
