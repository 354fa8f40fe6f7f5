package dev.baton.alloc.solver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.alloc.Allocation;
import dev.baton.alloc.Assignment;
import dev.baton.alloc.Item;
import dev.baton.alloc.Member;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stories of a cluster changing: given a converged assignment, when something happens, the
 * solver's target keeps every constraint and moves exactly what the story requires.
 */
class AllocationSolverScenarioTest {

    /** Six members, two in each of three zones, capacity 10; six items of three replicas. */
    private static final List<Member> SIX = List.of(
            new Member("a1", "a", 10), new Member("a2", "a", 10),
            new Member("b1", "b", 10), new Member("b2", "b", 10),
            new Member("c1", "c", 10), new Member("c2", "c", 10));

    record Scenario(String name, List<Item> items, List<Member> members, List<Assignment> current,
                    Consumer<Outcome> expectation) {

        @Override
        public String toString() {
            return name;
        }
    }

    /** A solved scenario with views the expectations read. */
    record Outcome(Allocation allocation, List<Item> items, List<Member> members, List<Assignment> current) {

        Map<String, Integer> loads() {
            Map<String, Integer> loads = new TreeMap<>();
            members.forEach(m -> loads.put(m.id(), 0));
            allocation.assignments().forEach(a -> loads.merge(a.member(), 1, Integer::sum));
            return loads;
        }

        Map<String, Map<String, Integer>> zonesPerItem() {
            Map<String, String> zoneOf = new HashMap<>();
            members.forEach(m -> zoneOf.put(m.id(), m.zone()));
            Map<String, Map<String, Integer>> zones = new TreeMap<>();
            allocation.assignments().forEach(a -> zones.computeIfAbsent(a.item(), k -> new TreeMap<>())
                    .merge(zoneOf.get(a.member()), 1, Integer::sum));
            return zones;
        }

        Map<String, Integer> replicasPerItem() {
            Map<String, Integer> replicas = new TreeMap<>();
            items.forEach(i -> replicas.put(i.id(), 0));
            allocation.assignments().forEach(a -> replicas.merge(a.item(), 1, Integer::sum));
            return replicas;
        }

        List<Assignment> addedAssignments() {
            List<Assignment> added = new ArrayList<>(allocation.assignments());
            added.removeAll(current);
            return added;
        }
    }

    static Stream<Scenario> scenarios() {
        List<Item> six = items(6, 3);
        List<Assignment> converged = AllocationSolver.solve(six, SIX, List.of()).assignments();
        return Stream.of(
                new Scenario("fresh start spreads one replica per zone and balances exactly", six, SIX, List.of(), o -> {
                    assertThat(o.allocation().added()).isEqualTo(18);
                    assertThat(o.loads().values()).containsOnly(3);
                    o.zonesPerItem().values().forEach(z -> assertThat(z).containsOnlyKeys("a", "b", "c").containsValues(1));
                }),
                new Scenario("member joins: it takes its share from its own zone only", six,
                        with(SIX, new Member("a3", "a", 10)), converged, o -> {
                    assertThat(o.addedAssignments()).allMatch(a -> a.member().equals("a3"));
                    assertThat(o.allocation().added()).isEqualTo(2);
                    assertThat(o.loads()).containsEntry("a1", 2).containsEntry("a2", 2).containsEntry("a3", 2)
                            .containsEntry("b1", 3).containsEntry("c2", 3);
                }),
                new Scenario("member leaves: only its replicas move, within its zone", six,
                        without(SIX, "b2"), converged, o -> {
                    assertThat(o.allocation().added()).isEqualTo(3);
                    assertThat(o.addedAssignments()).allMatch(a -> a.member().equals("b1"));
                    assertThat(o.loads()).containsEntry("b1", 6);
                }),
                new Scenario("zone lost: replicas return in the surviving zones, two zones per item", six,
                        without(without(SIX, "c1"), "c2"), converged, o -> {
                    assertThat(o.allocation().added()).isEqualTo(6);
                    assertThat(o.allocation().unplacedReplicas()).isZero();
                    o.zonesPerItem().values().forEach(z -> assertThat(z).containsOnlyKeys("a", "b"));
                    assertThat(o.loads().values()).containsExactlyInAnyOrder(5, 5, 4, 4);
                }),
                new Scenario("zone regained: each item gives one replica back to it", six, SIX,
                        AllocationSolver.solve(six, without(without(SIX, "c1"), "c2"), converged).assignments(), o -> {
                    assertThat(o.allocation().added()).isEqualTo(6);
                    assertThat(o.allocation().removed()).isEqualTo(6);
                    assertThat(o.addedAssignments()).allMatch(a -> a.member().startsWith("c"));
                    assertThat(o.loads().values()).containsOnly(3);
                }),
                new Scenario("capacity shrinks below the load: only the excess moves", six,
                        replace(SIX, new Member("c1", "c", 1)), converged, o -> {
                    assertThat(o.loads()).containsEntry("c1", 1).containsEntry("c2", 5);
                    assertThat(o.allocation().added()).isEqualTo(2);
                    assertThat(o.allocation().removed()).isEqualTo(2);
                }),
                new Scenario("replica count raised: exactly one replica is added", replace(six, new Item("i0", 4)), SIX,
                        converged, o -> {
                    assertThat(o.allocation().added()).isEqualTo(1);
                    assertThat(o.allocation().removed()).isZero();
                    assertThat(o.replicasPerItem()).containsEntry("i0", 4);
                    assertThat(o.zonesPerItem().get("i0").values()).allMatch(n -> n <= 2);
                }),
                new Scenario("replica count lowered: one replica is removed and nothing added",
                        replace(six, new Item("i0", 2)), SIX, converged, o -> {
                    assertThat(o.allocation().added()).isZero();
                    assertThat(o.allocation().removed()).isEqualTo(1);
                    assertThat(o.zonesPerItem().get("i0").values()).containsOnly(1);
                }),
                new Scenario("more demand than capacity: every item gets a replica before any gets two", items(10, 3),
                        List.of(new Member("a1", "a", 4), new Member("b1", "b", 4), new Member("c1", "c", 4)), List.of(), o -> {
                    assertThat(o.allocation().placedReplicas()).isEqualTo(12);
                    assertThat(o.allocation().unplacedReplicas()).isEqualTo(18);
                    assertThat(o.replicasPerItem().values()).allMatch(n -> n == 1 || n == 2);
                    assertThat(o.loads().values()).containsOnly(4);
                }),
                new Scenario("more demand than capacity, from a bigger cluster: kept replicas win", six,
                        replace(replace(replace(SIX, new Member("a2", "a", 0)), new Member("b2", "b", 0)), new Member("c2", "c", 0)),
                        converged, o -> {
                    assertThat(o.allocation().placedReplicas()).isEqualTo(18);
                    assertThat(o.allocation().unplacedReplicas()).isZero();
                    assertThat(o.loads()).containsEntry("a1", 6).containsEntry("b1", 6).containsEntry("c1", 6);
                }),
                new Scenario("exiting member drains: it keeps nothing and others take exactly its load", six,
                        replace(SIX, new Member("a1", "a", 10, true)), converged, o -> {
                    assertThat(o.loads()).containsEntry("a1", 0).containsEntry("a2", 6);
                    assertThat(o.allocation().added()).isEqualTo(3);
                    assertThat(o.addedAssignments()).allMatch(a -> a.member().equals("a2"));
                }),
                new Scenario("single zone: balance is exact", items(7, 2),
                        List.of(new Member("m1", "z", 10), new Member("m2", "z", 10), new Member("m3", "z", 10)), List.of(), o -> {
                    assertThat(o.loads().values()).containsExactlyInAnyOrder(5, 5, 4);
                }),
                new Scenario("unequal capacities: shares follow capacity", items(12, 1),
                        List.of(new Member("big", "z", 30), new Member("small", "z", 10)), List.of(), o -> {
                    assertThat(o.loads()).containsEntry("big", 9).containsEntry("small", 3);
                }),
                new Scenario("more replicas than members: one replica per member", List.of(new Item("wide", 5)),
                        List.of(new Member("m1", "a", 3), new Member("m2", "b", 3), new Member("m3", "b", 3)), List.of(), o -> {
                    assertThat(o.replicasPerItem()).containsEntry("wide", 3);
                    assertThat(o.allocation().unplacedReplicas()).isEqualTo(2);
                }),
                new Scenario("stale current assignments are ignored and counted as removed", six, SIX,
                        with(converged, new Assignment("gone", "a1"), new Assignment("i0", "departed")), o -> {
                    assertThat(o.allocation().added()).isZero();
                    assertThat(o.allocation().removed()).isZero();
                    assertThat(o.allocation().assignments()).isEqualTo(converged);
                }),
                new Scenario("no capacity anywhere: nothing is placed", six,
                        List.of(new Member("m1", "a", 0), new Member("m2", "b", 5, true)), List.of(), o -> {
                    assertThat(o.allocation().assignments()).isEmpty();
                    assertThat(o.allocation().unplacedReplicas()).isEqualTo(18);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(Scenario scenario) {
        Allocation allocation = AllocationSolver.solve(scenario.items(), scenario.members(), scenario.current());

        AllocationSolverPropertyTest.assertHardConstraints(scenario.items(), scenario.members(),
                allocation.assignments(), scenario.name());
        assertThat(allocation.optimal()).isTrue();
        scenario.expectation().accept(new Outcome(allocation, scenario.items(), scenario.members(), scenario.current()));
        Allocation again = AllocationSolver.solve(scenario.items(), scenario.members(), allocation.assignments());
        assertThat(again.assignments()).as("a converged target is stable").isEqualTo(allocation.assignments());
    }

    static List<Item> items(int count, int replicas) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(new Item("i" + i, replicas));
        }
        return items;
    }

    @SafeVarargs
    static <T> List<T> with(List<T> values, T... more) {
        List<T> result = new ArrayList<>(values);
        for (T value : more) {
            result.add(value);
        }
        return result;
    }

    static List<Member> without(List<Member> members, String id) {
        List<Member> result = new ArrayList<>(members);
        result.removeIf(m -> m.id().equals(id));
        return result;
    }

    static List<Member> replace(List<Member> members, Member member) {
        List<Member> result = new ArrayList<>(members);
        result.replaceAll(m -> m.id().equals(member.id()) ? member : m);
        return result;
    }

    static List<Item> replace(List<Item> items, Item item) {
        List<Item> result = new ArrayList<>(items);
        result.replaceAll(i -> i.id().equals(item.id()) ? item : i);
        return result;
    }
}
