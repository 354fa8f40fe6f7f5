package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded property test: random fleets and task sets, members joining and leaving, tasks added
 * and finished. After every change the members run the balancer until nothing changes, and
 * then every member holds ⌊N/M⌋ or ⌈N/M⌉ tasks, every task is claimed, and the number of
 * released tasks is the minimum any balanced outcome needs.
 */
class FairBalancerConvergenceTest {

    private static final int SEEDS = 100;
    private static final int CHANGES = 12;

    static Stream<Arguments> scenarios() {
        return LongStream.range(0, SEEDS).boxed()
                .flatMap(seed -> Stream.of(Fleet.Turns.values()).map(turns -> Arguments.of(seed, turns)));
    }

    @ParameterizedTest(name = "seed {0}, {1} turns")
    @MethodSource("scenarios")
    void membersConvergeToFairCountsWithTheFewestMoves(long seed, Fleet.Turns turns) {
        Random random = new Random(seed);
        Fleet fleet = new Fleet(new FairBalancer(), random);
        int initialMembers = 1 + random.nextInt(6);
        for (int i = 0; i < initialMembers; i++) {
            fleet.join(newMemberId(fleet, random));
        }
        List<String> members = new ArrayList<>(fleet.members());
        for (TaskId task : fleet.addTasks(random.nextInt(301))) {
            if (random.nextInt(4) > 0) {
                fleet.claim(task, members.get(Math.min(members.size() - 1, (int) Math.abs(random.nextGaussian() * 2))));
            }
        }
        settleAndCheck(fleet, turns, "start");
        for (int change = 0; change < CHANGES; change++) {
            String what = applyRandomChange(fleet, random);
            settleAndCheck(fleet, turns, what);
        }
    }

    @Test
    void aSixthMemberJoiningFiveHoldingTenThousandTasksMovesTheMinimum() {
        Fleet fleet = new Fleet(new FairBalancer(), new Random(6));
        List<String> five = List.of("m1", "m2", "m3", "m4", "m5");
        five.forEach(fleet::join);
        List<TaskId> tasks = fleet.addTasks(10_000);
        for (int i = 0; i < tasks.size(); i++) {
            fleet.claim(tasks.get(i), five.get(i % 5));
        }
        fleet.join("m6");
        int moves = fleet.converge(Fleet.Turns.SYNCHRONOUS);
        assertThat(moves).isEqualTo(1666);
        assertThat(fleet.holdings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "m1", 1667, "m2", 1667, "m3", 1667, "m4", 1667, "m5", 1666, "m6", 1666));
    }

    private static String applyRandomChange(Fleet fleet, Random random) {
        int kind = random.nextInt(4);
        if (kind == 0 || fleet.members().size() == 1 && kind == 1) {
            String member = newMemberId(fleet, random);
            fleet.join(member);
            return "join " + member;
        }
        if (kind == 1) {
            List<String> members = new ArrayList<>(fleet.members());
            String member = members.get(random.nextInt(members.size()));
            fleet.leave(member);
            return "leave " + member;
        }
        if (kind == 2) {
            int count = random.nextInt(60);
            fleet.addTasks(count);
            return "add " + count + " tasks";
        }
        List<TaskId> tasks = fleet.tasks();
        int count = Math.min(tasks.size(), random.nextInt(60));
        for (int i = 0; i < count; i++) {
            fleet.finish(tasks.get(random.nextInt(tasks.size())));
        }
        return "finish up to " + count + " tasks";
    }

    private static void settleAndCheck(Fleet fleet, Fleet.Turns turns, String change) {
        int n = fleet.taskCount();
        int m = fleet.members().size();
        int minimum = minimumMoves(fleet.holdings().values().stream().mapToInt(Integer::intValue).toArray(), n);
        int moves = fleet.converge(turns);
        Map<String, Integer> held = fleet.holdings();
        String context = "after " + change + " with " + n + " tasks on " + m + " members: " + held;
        assertThat(fleet.unclaimed()).as("unclaimed tasks " + context).isZero();
        assertThat(held.values()).as("counts " + context).allMatch(h -> h == n / m || h == (n + m - 1) / m);
        assertThat(moves).as("moves " + context).isEqualTo(minimum);
        fleet.holdOffsExpire();
    }

    /**
     * The fewest releases that reach a balanced outcome: every task above ⌊N/M⌋ must move,
     * except that up to N mod M members holding more than ⌊N/M⌋ may each keep one extra.
     */
    static int minimumMoves(int[] held, int tasks) {
        int floor = tasks / held.length;
        int excess = 0;
        int above = 0;
        for (int h : held) {
            excess += Math.max(0, h - floor);
            if (h > floor) {
                above++;
            }
        }
        return excess - Math.min(tasks % held.length, above);
    }

    /** A random id not yet in the fleet, so joiners land anywhere in the id order. */
    private static String newMemberId(Fleet fleet, Random random) {
        String member;
        do {
            member = "member-" + Integer.toString(random.nextInt(1000), 36);
        } while (fleet.members().contains(member));
        return member;
    }
}
