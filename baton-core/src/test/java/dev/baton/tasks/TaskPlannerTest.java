package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Table-driven cases of the planner: what it hands the balancer, and how it holds it to its contract. */
class TaskPlannerTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final long LEASE = 0x10;
    private static final ClaimWindow AT_NOT_BEFORE = new ClaimWindow(Duration.ZERO);

    record Task(TaskId id, String ownerName, long ownerRevision, long ownerLease, boolean claimable, Instant notBefore,
                int priority) implements TaskPlanner.PlannedTask {
        static Task free(String id) {
            return prioritised(id, TaskOptions.DEFAULT_PRIORITY);
        }

        static Task prioritised(String id, int priority) {
            return new Task(TaskId.of(id), null, 0, 0, true, null, priority);
        }

        static Task owned(String id, String owner, long revision, long lease) {
            return new Task(TaskId.of(id), owner, revision, lease, true, null, TaskOptions.DEFAULT_PRIORITY);
        }

        static Task due(String id, Instant notBefore) {
            return new Task(TaskId.of(id), null, 0, 0, true, notBefore, TaskOptions.DEFAULT_PRIORITY);
        }
    }

    /** A balancer that records its view and answers with a fixed decision. */
    private static final class Recording implements Balancer {
        BalanceView view;
        final List<TaskId> release;
        final List<TaskId> claim;

        Recording(List<String> release, List<String> claim) {
            this.release = release.stream().map(TaskId::of).toList();
            this.claim = claim.stream().map(TaskId::of).toList();
        }

        @Override
        public BalanceDecision decide(BalanceView view) {
            this.view = view;
            return new BalanceDecision(0, 0, release, claim);
        }
    }

    private static TaskPlanner.Input input(List<Task> tasks, Map<TaskId, TaskPlanner.HeldClaim> held,
                                           Map<TaskId, Instant> heldOff, int room, boolean frozen) {
        return new TaskPlanner.Input("me", LEASE, frozen, Set.of("me", "other"), tasks, held, heldOff, room, 0, NOW,
                AT_NOT_BEFORE);
    }

    @Test
    void everyOwnerIsTypedByWhatItIs() {
        Recording balancer = new Recording(List.of(), List.of());
        List<Task> tasks = List.of(
                Task.owned("mine", "me", 5, LEASE),
                Task.owned("going", "me", 6, LEASE),
                Task.owned("ending", "me", 7, LEASE),
                Task.owned("old", "me", 3, 0x9),
                Task.owned("theirs", "other", 8, 0x20),
                Task.owned("gone", "left", 9, 0x30));
        Map<TaskId, TaskPlanner.HeldClaim> held = Map.of(
                TaskId.of("mine"), new TaskPlanner.HeldClaim(5, false),
                TaskId.of("going"), new TaskPlanner.HeldClaim(6, true));

        new TaskPlanner(balancer).plan(input(tasks, held, Map.of(), 10, false));

        Map<String, TaskOwner> owners = new HashMap<>();
        balancer.view.claimed().forEach((task, owner) -> owners.put(task.value(), owner));
        assertThat(owners).containsEntry("mine", new TaskOwner("me", 5, TaskOwner.Kind.HELD))
                .containsEntry("going", new TaskOwner("me", 6, TaskOwner.Kind.RELEASING))
                .containsEntry("ending", new TaskOwner("me", 7, TaskOwner.Kind.ENDING))
                .containsEntry("old", new TaskOwner("me", 3, TaskOwner.Kind.PREVIOUS_LEASE))
                .containsEntry("theirs", new TaskOwner("other", 8, TaskOwner.Kind.HELD))
                .containsEntry("gone", new TaskOwner("left", 9, TaskOwner.Kind.HELD));
        assertThat(balancer.view.members()).containsExactlyInAnyOrder("me", "other");
    }

    @Test
    void aClaimHeldButNotYetSeenInTheStoreCountsAsHeld() {
        Recording balancer = new Recording(List.of(), List.of());
        new TaskPlanner(balancer).plan(input(List.of(), Map.of(TaskId.of("fresh"), new TaskPlanner.HeldClaim(40, false)),
                Map.of(), 10, false));
        assertThat(balancer.view.claimed()).containsEntry(TaskId.of("fresh"), new TaskOwner("me", 40));
    }

    @Test
    void aTaskNotYetDueIsNotOfferedAndSetsTheWakeUp() {
        Recording balancer = new Recording(List.of(), List.of("later", "now"));
        TaskPlanner.Plan plan = new TaskPlanner(balancer).plan(input(List.of(
                Task.due("later", NOW.plusSeconds(30)), Task.due("soon", NOW.plusSeconds(5)), Task.due("now", NOW)),
                Map.of(), Map.of(), 10, false));
        assertThat(balancer.view.unclaimed()).containsExactly(TaskId.of("now"));
        assertThat(plan.claim()).containsExactly(TaskId.of("now"));
        assertThat(plan.wakeAt()).contains(NOW.plusSeconds(5));
    }

    @Test
    void aTaskIsDueTheClaimWindowBeforeItsNotBeforeAndTheWindowsOpeningIsTheWakeUp() {
        Recording balancer = new Recording(List.of(), List.of("edge", "inside", "past"));
        List<Task> tasks = List.of(Task.due("beyond", NOW.plusMillis(251)), Task.due("edge", NOW.plusMillis(250)),
                Task.due("inside", NOW.plusMillis(1)), Task.due("past", NOW.minusSeconds(1)),
                Task.due("later", NOW.plusSeconds(3)));
        TaskPlanner.Plan plan = new TaskPlanner(balancer).plan(new TaskPlanner.Input("me", LEASE, false,
                Set.of("me"), tasks, Map.of(), Map.of(), 10, 0, NOW, new ClaimWindow(Duration.ofMillis(250))));
        assertThat(balancer.view.unclaimed()).containsExactlyInAnyOrder(TaskId.of("edge"), TaskId.of("inside"),
                TaskId.of("past"));
        assertThat(plan.claim()).containsExactly(TaskId.of("edge"), TaskId.of("inside"), TaskId.of("past"));
        assertThat(plan.wakeAt()).contains(NOW.plusMillis(1));
    }

    @Test
    void aClaimHeldWhileItWaitsForItsNotBeforeCountsAsHeld() {
        Recording balancer = new Recording(List.of(), List.of());
        Task waiting = new Task(TaskId.of("waiting"), "me", 40, LEASE, true, NOW.plusMillis(200),
                TaskOptions.DEFAULT_PRIORITY);
        new TaskPlanner(balancer).plan(new TaskPlanner.Input("me", LEASE, false, Set.of("me", "other"),
                List.of(waiting), Map.of(TaskId.of("waiting"), new TaskPlanner.HeldClaim(40, false)), Map.of(), 10, 0,
                NOW, new ClaimWindow(Duration.ofMillis(250))));
        assertThat(balancer.view.claimed()).containsEntry(TaskId.of("waiting"),
                new TaskOwner("me", 40, TaskOwner.Kind.HELD));
        assertThat(balancer.view.unclaimed()).isEmpty();
    }

    @Test
    void aHeldOffTaskIsNeverClaimedAndItsEndIsAWakeUp() {
        Recording balancer = new Recording(List.of(), List.of("a", "b"));
        TaskPlanner.Plan plan = new TaskPlanner(balancer).plan(input(List.of(Task.free("a"), Task.free("b")), Map.of(),
                Map.of(TaskId.of("a"), NOW.plusSeconds(2), TaskId.of("b"), NOW), 10, false));
        assertThat(balancer.view.heldOff()).containsExactly(TaskId.of("a"));
        assertThat(plan.claim()).containsExactly(TaskId.of("b"));
        assertThat(plan.wakeAt()).contains(NOW.plusSeconds(2));
    }

    @Test
    void claimsAreCutToTheRoomLeftAndNeverRepeated() {
        Recording balancer = new Recording(List.of(), List.of("a", "a", "b", "c"));
        TaskPlanner.Plan plan = new TaskPlanner(balancer).plan(input(
                List.of(Task.free("a"), Task.free("b"), Task.free("c")), Map.of(), Map.of(), 2, false));
        assertThat(plan.claim()).containsExactly(TaskId.of("a"), TaskId.of("b"));
    }

    @Test
    void theBalancerDecidesHowManyAndPrioritiesDecideWhich() {
        Recording balancer = new Recording(List.of(), List.of("low", "mid"));
        List<Task> tasks = List.of(Task.prioritised("low", -1), Task.prioritised("mid", 0),
                Task.prioritised("high", 5), Task.prioritised("top", 9), Task.prioritised("held-off", 20));
        TaskPlanner.Plan plan = new TaskPlanner(balancer).plan(input(tasks, Map.of(),
                Map.of(TaskId.of("held-off"), NOW.plusSeconds(1)), 10, false));
        assertThat(plan.claim()).containsExactly(TaskId.of("top"), TaskId.of("high"));
    }

    @Test
    void withinOnePriorityTheBalancersPicksComeFirstInItsOrder() {
        Recording balancer = new Recording(List.of(), List.of("c", "a", "z"));
        List<Task> tasks = List.of(Task.prioritised("a", 3), Task.prioritised("b", 3), Task.prioritised("c", 3),
                Task.prioritised("z", 1));
        TaskPlanner.Plan plan = new TaskPlanner(balancer).plan(new TaskPlanner.Input("me", LEASE, false,
                Set.of("me"), tasks, Map.of(), Map.of(), 2, 1, NOW, AT_NOT_BEFORE));
        assertThat(plan.claim()).containsExactly(TaskId.of("c"), TaskId.of("a"));
        assertThat(plan.spares()).containsExactly(TaskId.of("b"));
    }

    @Test
    void whatTheBalancerWantsBeyondTheRoomIsKeptAsSpares() {
        Recording balancer = new Recording(List.of(), List.of("a", "b", "c", "d", "e"));
        List<Task> tasks = List.of(Task.free("a"), Task.free("b"), Task.free("c"), Task.free("d"), Task.free("e"));
        TaskPlanner.Plan plan = new TaskPlanner(balancer).plan(new TaskPlanner.Input("me", LEASE, false,
                Set.of("me"), tasks, Map.of(), Map.of(), 1, 2, NOW, AT_NOT_BEFORE));
        assertThat(plan.claim()).containsExactly(TaskId.of("a"));
        assertThat(plan.spares()).containsExactly(TaskId.of("b"), TaskId.of("c"));
    }

    @Test
    void aBalancerBreakingItsContractIsHeldToIt() {
        Recording balancer = new Recording(List.of("theirs", "going", "mine"), List.of("theirs", "missing", "free"));
        TaskPlanner.Plan plan = new TaskPlanner(balancer).plan(input(
                List.of(Task.owned("theirs", "other", 3, 0x20), Task.free("free")),
                Map.of(TaskId.of("mine"), new TaskPlanner.HeldClaim(4, false),
                        TaskId.of("going"), new TaskPlanner.HeldClaim(5, true)),
                Map.of(), 10, false));
        assertThat(plan.release()).containsExactly(TaskId.of("mine"));
        assertThat(plan.claim()).containsExactly(TaskId.of("free"));
    }

    @Test
    void aFrozenMemberPlansOnlyItsWakeUp() {
        Recording balancer = new Recording(List.of("mine"), List.of("free"));
        TaskPlanner.Plan plan = new TaskPlanner(balancer).plan(input(
                List.of(Task.free("free"), Task.due("later", NOW.plusSeconds(1))),
                Map.of(TaskId.of("mine"), new TaskPlanner.HeldClaim(4, false)), Map.of(), 10, true));
        assertThat(balancer.view).isNull();
        assertThat(plan.release()).isEmpty();
        assertThat(plan.claim()).isEmpty();
        assertThat(plan.wakeAt()).contains(NOW.plusSeconds(1));
    }

    @Test
    void tasksThatCannotRunBelongToNeitherSide() {
        Recording balancer = new Recording(List.of(), List.of());
        new TaskPlanner(balancer).plan(input(List.of(new Task(TaskId.of("broken"), null, 0, 0, false, null,
                TaskOptions.DEFAULT_PRIORITY)),
                Map.of(), Map.of(), 10, false));
        assertThat(balancer.view.taskCount()).isZero();
    }

    @Test
    void whatTheBalancerThrowsReachesTheMember() {
        TaskPlanner planner = new TaskPlanner(view -> {
            throw new IllegalStateException("broken balancer");
        });
        assertThatThrownBy(() -> planner.plan(input(List.of(), Map.of(), Map.of(), 1, false)))
                .hasMessage("broken balancer");
    }

    @Test
    void passesSpaceOutWhileSettledAndComeBackOnNews() {
        PassPacing pacing = new PassPacing(Duration.ofMillis(20), Duration.ofMillis(100));
        long ms = 1_000_000;
        assertThat(pacing.dueAt(0)).isZero();
        pacing.passed(0, 0, true);
        assertThat(pacing.dueAt(0)).isEqualTo(40 * ms);
        pacing.passed(40 * ms, 40 * ms, true);
        pacing.passed(120 * ms, 120 * ms, true);
        assertThat(pacing.dueAt(120 * ms)).isEqualTo(220 * ms);
        pacing.urgent();
        assertThat(pacing.dueAt(130 * ms)).isEqualTo(140 * ms);
        pacing.passed(140 * ms, 140 * ms, false);
        assertThat(pacing.dueAt(200 * ms)).isEqualTo(200 * ms);
    }

    @Test
    void aCostlyIdlePassPushesTheNextOneAwayEvenWhenUrgentButOneThatActedDoesNot() {
        PassPacing pacing = new PassPacing(Duration.ofMillis(20), Duration.ofMillis(100));
        long ms = 1_000_000;
        pacing.passed(0, 10 * ms, true);
        pacing.urgent();
        assertThat(pacing.dueAt(10 * ms)).isEqualTo((10 + 10 * PassPacing.COST_RATIO) * ms);
        pacing.passed(200 * ms, 250 * ms, false);
        assertThat(pacing.dueAt(250 * ms)).isEqualTo(270 * ms);
        pacing.passed(300 * ms, 301 * ms, true);
        assertThat(pacing.dueAt(301 * ms)).isEqualTo(341 * ms);
    }
}
