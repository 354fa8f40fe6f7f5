package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.alloc.HandoffStep.Add;
import dev.baton.alloc.HandoffStep.Promote;
import dev.baton.alloc.HandoffStep.Remove;
import dev.baton.alloc.solver.AllocationSolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Handoff plans as tables: current replicas of item "x" (member, ready, primary; created in
 * list order, so the first is the oldest), the target members, and the expected plan.
 */
class HandoffPlannerTest {

    private static final List<Member> MEMBERS = List.of(
            new Member("a", "z1", 5), new Member("b", "z2", 5), new Member("c", "z3", 5),
            new Member("d", "z1", 5), new Member("full", "z2", 1), new Member("gone", "z3", 5, true));

    record Case(String name, int replicas, List<AssignmentState> current, List<String> target,
                List<HandoffStep> steps, List<String> waitingAdds, List<String> waitingRemovals) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("converged: nothing to do", 3, states("a+*", "b+", "c+"), List.of("a", "b", "c"),
                        List.of(), List.of(), List.of()),
                new Case("replica moves: add first, removal waits for the new replica", 3,
                        states("a+*", "b+", "c+"), List.of("a", "b", "d"),
                        List.of(add("d")), List.of(), List.of("c")),
                new Case("replica moves, new replica ready: remove the old one", 3,
                        states("a+*", "b+", "c+", "d+"), List.of("a", "b", "d"),
                        List.of(remove("c")), List.of(), List.of()),
                new Case("primary must go, replacement not ready: add and wait", 3,
                        states("a+*", "b+", "c+"), List.of("b", "c", "d"),
                        List.of(add("d")), List.of(), List.of("a")),
                new Case("primary must go but the item would drop below its ready replicas: wait", 3,
                        states("a+*", "b-", "c+", "d+"), List.of("b", "c", "d"),
                        List.of(), List.of(), List.of("a")),
                new Case("primary must go, replacement ready: promote the oldest staying ready replica, then remove", 3,
                        states("a+*", "b+", "c+", "d+"), List.of("b", "c", "d"),
                        List.of(promote("b"), remove("a")), List.of(), List.of()),
                new Case("promotion skips replicas that are not ready", 2,
                        states("a+*", "b-", "c+", "d+"), List.of("b", "c", "d"),
                        List.of(promote("c"), remove("a")), List.of(), List.of()),
                new Case("no ready replica to take over: the primary stays", 1,
                        states("a+*", "b-"), List.of("b"),
                        List.of(), List.of(), List.of("a")),
                new Case("a marked primary wins over the oldest", 2,
                        states("a+", "b+*", "c+"), List.of("a", "c"),
                        List.of(promote("a"), remove("b")), List.of(), List.of()),
                new Case("replicas lowered: the surplus goes at once", 2,
                        states("a+*", "b+", "c+"), List.of("a", "b"),
                        List.of(remove("c")), List.of(), List.of()),
                new Case("a replica that is not ready is removed at once", 3,
                        states("a+*", "b+", "c-"), List.of("a", "b", "d"),
                        List.of(add("d"), remove("c")), List.of(), List.of()),
                new Case("several leave: only as many ready ones as the required count allows", 2,
                        states("a+*", "b+", "c+", "d+"), List.of("a", "d"),
                        List.of(remove("c"), remove("b")), List.of(), List.of()),
                new Case("exiting member drains once the replacement is ready", 2,
                        states("gone+*", "a+", "b+"), List.of("a", "b"),
                        List.of(promote("a"), remove("gone")), List.of(), List.of()),
                new Case("item removed from the target: everything goes, primary last, no promotion", 0,
                        states("a+*", "b+", "c-"), List.of(),
                        List.of(remove("c"), remove("b"), remove("a")), List.of(), List.of()),
                new Case("shortage: required follows the target count", 3,
                        states("a+*", "b+", "c+"), List.of("a", "b"),
                        List.of(remove("c")), List.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plans(Case c) {
        List<Item> items = c.replicas() > 0 ? List.of(new Item("x", c.replicas())) : List.of();
        List<Assignment> target = c.target().stream().map(m -> new Assignment("x", m)).toList();

        HandoffPlan plan = HandoffPlanner.plan(items, MEMBERS, c.current(), target);

        assertThat(plan.steps()).containsExactlyElementsOf(c.steps());
        assertThat(plan.waitingAdds()).extracting(Assignment::member).containsExactlyElementsOf(c.waitingAdds());
        assertThat(plan.waitingRemovals()).extracting(Assignment::member).containsExactlyInAnyOrderElementsOf(c.waitingRemovals());
        assertThat(plan.converged()).isEqualTo(c.steps().isEmpty() && c.waitingAdds().isEmpty() && c.waitingRemovals().isEmpty());
    }

    @Test
    void addsComeFirstAcrossItemsAndUnreadyPrimariesWaitForAReadySuccessor() {
        List<Item> items = List.of(new Item("x", 1), new Item("y", 1));
        List<AssignmentState> current = List.of(state("x", "a", 1, true, false), state("y", "b", 2, false, false));
        List<Assignment> target = List.of(new Assignment("x", "c"), new Assignment("y", "d"));

        HandoffPlan plan = HandoffPlanner.plan(items, MEMBERS, current, target);

        assertThat(plan.steps()).containsExactly(new Add(new Assignment("x", "c")), new Add(new Assignment("y", "d")));
        assertThat(plan.waitingRemovals()).containsExactly(new Assignment("x", "a"), new Assignment("y", "b"));
    }

    @Test
    void fullMemberMakesTheAddWait() {
        List<Item> items = List.of(new Item("x", 2), new Item("w", 1));
        List<AssignmentState> current = List.of(state("x", "a", 1, true, true), state("x", "b", 2, true, false),
                state("w", "full", 3, true, true));
        List<Assignment> target = List.of(new Assignment("x", "a"), new Assignment("x", "full"), new Assignment("w", "full"));

        HandoffPlan plan = HandoffPlanner.plan(items, MEMBERS, current, target);

        assertThat(plan.steps()).isEmpty();
        assertThat(plan.waitingAdds()).containsExactly(new Assignment("x", "full"));
        assertThat(plan.waitingRemovals()).containsExactly(new Assignment("x", "b"));
    }

    @Test
    void addsCountTowardCapacityWithinOnePlan() {
        List<Member> members = List.of(new Member("m", "z", 1), new Member("n", "z", 5));
        List<Item> items = List.of(new Item("x", 1), new Item("y", 1));
        List<Assignment> target = List.of(new Assignment("x", "m"), new Assignment("y", "m"));

        HandoffPlan plan = HandoffPlanner.plan(items, members, List.of(), target);

        assertThat(plan.steps()).containsExactly(new Add(new Assignment("x", "m")));
        assertThat(plan.waitingAdds()).containsExactly(new Assignment("y", "m"));
    }

    @Test
    void followingThePlanRoundByRoundReachesTheTargetWithoutDroppingReadyReplicas() {
        List<Item> items = List.of(new Item("x", 2), new Item("y", 2));
        List<Member> members = List.of(new Member("a", "z", 3), new Member("b", "z", 3), new Member("c", "z", 3));
        List<AssignmentState> current = new ArrayList<>(List.of(
                state("x", "a", 1, true, false), state("x", "b", 2, true, false),
                state("y", "a", 3, true, false), state("y", "b", 4, true, false)));
        List<Assignment> target = AllocationSolver.solve(items, members.subList(1, 3), List.of(
                new Assignment("x", "b"), new Assignment("y", "b"))).assignments();
        long revision = 10;
        for (int round = 0; round < 6; round++) {
            HandoffPlan plan = HandoffPlanner.plan(items, members, current, target);
            if (plan.converged()) {
                break;
            }
            for (HandoffStep step : plan.steps()) {
                Assignment a = step.assignment();
                if (step instanceof Add) {
                    current.add(state(a.item(), a.member(), revision++, false, false));
                } else if (step instanceof Promote) {
                    current.replaceAll(s -> s.assignment().item().equals(a.item())
                            ? new AssignmentState(s.assignment(), s.createRevision(), s.ready(), s.assignment().equals(a))
                            : s);
                } else {
                    current.removeIf(s -> s.assignment().equals(a));
                }
                for (Item item : items) {
                    long ready = current.stream().filter(s -> s.assignment().item().equals(item.id()) && s.ready()).count();
                    assertThat(ready).as("ready replicas of " + item + " after " + step).isGreaterThanOrEqualTo(2);
                }
            }
            // Between rounds, replicas finish warming up.
            current.replaceAll(s -> new AssignmentState(s.assignment(), s.createRevision(), true, s.primary()));
        }
        assertThat(current).extracting(AssignmentState::assignment).containsExactlyInAnyOrderElementsOf(target);
        assertThat(current).filteredOn(AssignmentState::primary).extracting(s -> s.assignment().item())
                .containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void badInputsNameTheValue() {
        List<Item> items = List.of(new Item("x", 1));
        assertThatThrownBy(() -> HandoffPlanner.plan(items, MEMBERS, List.of(), List.of(new Assignment("nope", "a"))))
                .hasMessage("target assignment nope@a names unknown item 'nope'");
        assertThatThrownBy(() -> HandoffPlanner.plan(items, MEMBERS, List.of(), List.of(new Assignment("x", "zz"))))
                .hasMessage("target assignment x@zz names unknown member 'zz'");
        assertThatThrownBy(() -> HandoffPlanner.plan(items, MEMBERS,
                List.of(state("x", "a", 1, true, true), state("x", "b", 2, true, true)), List.of()))
                .hasMessage("item 'x' has two primaries: a and b");
        assertThatThrownBy(() -> new AssignmentState(new Assignment("x", "a"), -1, true, false))
                .hasMessage("create revision of x@a must be >= 0, got -1");
    }

    /** States of item "x" from specs like "a+*": member a, ready (+) or not (-), primary mark (*). */
    private static List<AssignmentState> states(String... specs) {
        List<AssignmentState> states = new ArrayList<>();
        Arrays.stream(specs).forEach(spec -> {
            String member = spec.replaceAll("[+*-]", "");
            states.add(state("x", member, states.size() + 1, spec.contains("+"), spec.contains("*")));
        });
        return states;
    }

    private static AssignmentState state(String item, String member, long revision, boolean ready, boolean primary) {
        return new AssignmentState(new Assignment(item, member), revision, ready, primary);
    }

    private static HandoffStep add(String member) {
        return new Add(new Assignment("x", member));
    }

    private static HandoffStep promote(String member) {
        return new Promote(new Assignment("x", member));
    }

    private static HandoffStep remove(String member) {
        return new Remove(new Assignment("x", member));
    }
}
