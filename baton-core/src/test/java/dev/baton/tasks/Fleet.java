package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A store-free model of members balancing tasks: claims are a map with the store's rule (a
 * claim succeeds only when the task has no owner) and revisions that grow with every claim.
 * Members run a {@link Balancer} on their view and apply its decision; the fleet checks the
 * balancer's contract on every decision and counts releases (moves).
 */
final class Fleet {

    /** How members take turns within one round. */
    enum Turns {
        /** One after another, each seeing the effects of those before it. */
        SEQUENTIAL,
        /** All decide from the same snapshot, then apply in turn; later claims on the same task lose. */
        SYNCHRONOUS
    }

    private final Balancer balancer;
    private final Random random;
    private final Set<String> members = new TreeSet<>();
    private final Set<TaskId> tasks = new TreeSet<>();
    private final Map<TaskId, TaskOwner> claims = new HashMap<>();
    private final Map<String, Set<TaskId>> heldOff = new HashMap<>();
    private long revision;
    private int nextTask;

    Fleet(Balancer balancer, Random random) {
        this.balancer = balancer;
        this.random = random;
    }

    void join(String member) {
        assertThat(members.add(member)).as("member %s joins once", member).isTrue();
    }

    /** A member leaves gracefully: its claims are deleted with its lease. */
    void leave(String member) {
        members.remove(member);
        heldOff.remove(member);
        claims.values().removeIf(owner -> owner.member().equals(member));
    }

    List<TaskId> addTasks(int count) {
        List<TaskId> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TaskId task = TaskId.of(String.format("task-%06d", nextTask++));
            tasks.add(task);
            added.add(task);
        }
        return added;
    }

    void finish(TaskId task) {
        tasks.remove(task);
        claims.remove(task);
    }

    void claim(TaskId task, String member) {
        assertThat(claims.containsKey(task)).as("%s is unclaimed", task).isFalse();
        claims.put(task, new TaskOwner(member, ++revision));
    }

    /** The hold-offs end, as they do once their time has passed. */
    void holdOffsExpire() {
        heldOff.clear();
    }

    Set<String> members() {
        return Set.copyOf(members);
    }

    List<TaskId> tasks() {
        return List.copyOf(tasks);
    }

    int taskCount() {
        return tasks.size();
    }

    Map<String, Integer> holdings() {
        Map<String, Integer> held = new LinkedHashMap<>();
        for (String member : members) {
            held.put(member, 0);
        }
        for (TaskOwner owner : claims.values()) {
            held.merge(owner.member(), 1, Integer::sum);
        }
        return held;
    }

    int unclaimed() {
        return tasks.size() - claims.size();
    }

    BalanceView view(String member) {
        Set<TaskId> free = new HashSet<>(tasks);
        free.removeAll(claims.keySet());
        return new BalanceView(member, members, claims, free, heldOff.getOrDefault(member, Set.of()));
    }

    /** Runs rounds until a whole round changes nothing; returns the number of tasks released. */
    int converge(Turns turns) {
        int moves = 0;
        for (int round = 0; ; round++) {
            assertThat(round).as("rounds before the fleet settles").isLessThan(100);
            List<String> order = new ArrayList<>(members);
            Collections.shuffle(order, random);
            Map<String, BalanceDecision> decisions = new LinkedHashMap<>();
            if (turns == Turns.SYNCHRONOUS) {
                for (String member : order) {
                    decisions.put(member, decide(member));
                }
            }
            boolean changed = false;
            for (String member : order) {
                BalanceDecision decision = turns == Turns.SYNCHRONOUS ? decisions.get(member) : decide(member);
                for (TaskId task : decision.release()) {
                    claims.remove(task);
                    heldOff.computeIfAbsent(member, m -> new HashSet<>()).add(task);
                    moves++;
                    changed = true;
                }
                for (TaskId task : decision.claim()) {
                    if (!claims.containsKey(task)) {
                        claims.put(task, new TaskOwner(member, ++revision));
                        changed = true;
                    }
                }
            }
            if (!changed) {
                return moves;
            }
        }
    }

    private BalanceDecision decide(String member) {
        BalanceView view = view(member);
        BalanceDecision decision = balancer.decide(view);
        for (TaskId task : decision.release()) {
            assertThat(claims.get(task).member()).as("%s releases only its own tasks", member).isEqualTo(member);
        }
        assertThat(view.unclaimed()).as("%s claims only unclaimed tasks", member).containsAll(decision.claim());
        assertThat(decision.claim()).as("%s claims nothing it released", member).noneMatch(view.heldOff()::contains);
        return decision;
    }
}
