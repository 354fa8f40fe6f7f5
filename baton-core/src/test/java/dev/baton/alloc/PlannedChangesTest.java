package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.alloc.HandoffStep.Add;
import dev.baton.alloc.HandoffStep.Promote;
import dev.baton.alloc.HandoffStep.Remove;
import dev.baton.alloc.StoreChange.Guard;
import dev.baton.alloc.StoreChange.Write;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannedChangesTest {

    private static final AllocatorKeyspace KEYS = KeyspaceFixture.KEYS;

    private static HandoffPlan steps(HandoffStep... steps) {
        return new HandoffPlan(List.of(steps), List.of(), List.of());
    }

    private static Guard guardOf(AllocatorView view, String key) {
        long mod = key.startsWith(KEYS.items()) ? view.item(key.substring(KEYS.items().length())).orElseThrow().modRevision()
                : key.startsWith(KEYS.members()) ? view.member(key.substring(KEYS.members().length())).orElseThrow().modRevision()
                : view.assignment(assignmentOf(key)).orElseThrow().modRevision();
        return new Guard(key, mod);
    }

    private static Assignment assignmentOf(String key) {
        String[] parts = key.substring(KEYS.assignments().length()).split("/");
        return new Assignment(parts[0], parts[1]);
    }

    @Test
    void anAddCreatesTheKeyOnTheMembersLeaseGuardedByItemMemberAndAbsence() {
        AllocatorView view = new KeyspaceFixture().item("i", 1).member("a", "z1", 5, 0xa).view();

        PlannedChanges.Translation t = PlannedChanges.of(steps(new Add(new Assignment("i", "a"))), view, KEYS);

        String key = KEYS.assignment(new Assignment("i", "a"));
        assertThat(t.deferred()).isZero();
        assertThat(t.changes()).singleElement().satisfies(change -> {
            assertThat(change.guards()).containsExactly(guardOf(view, KEYS.item("i")), guardOf(view, KEYS.member("a")),
                    new Guard(key, 0));
            assertThat(change.writes()).singleElement().isInstanceOfSatisfying(Write.Put.class, put -> {
                assertThat(put.key()).isEqualTo(key);
                assertThat(put.value()).isEmpty();
                assertThat(put.lease()).isEqualTo(0xa);
            });
        });
    }

    @Test
    void anAddWhoseKeyIsStillHeldByAnOrphanWaitsForALaterRound() {
        AllocatorView view = new KeyspaceFixture().item("i", 1).member("a", "z1", 5, 0xa2)
                .assigned("i", "a", 0xa1, "ready").view();

        PlannedChanges.Translation t = PlannedChanges.of(steps(new Add(new Assignment("i", "a"))), view, KEYS);

        assertThat(t.changes()).isEmpty();
        assertThat(t.deferred()).isEqualTo(1);
    }

    @Test
    void anItemsRemovalsAreOneChangeGuardedByEveryAssignmentOfTheItem() {
        AllocatorView view = new KeyspaceFixture().item("i", 2)
                .member("a", "z1", 5, 0xa).member("b", "z2", 5, 0xb).member("c", "z3", 5, 0xc)
                .assigned("i", "a", 0xa, "ready").assigned("i", "b", 0xb, "ready").assigned("i", "c", 0xc, "")
                .view();

        PlannedChanges.Translation t = PlannedChanges.of(steps(new Remove(new Assignment("i", "c"))), view, KEYS);

        assertThat(t.changes()).singleElement().satisfies(change -> {
            assertThat(change.guards()).containsExactlyInAnyOrder(guardOf(view, KEYS.item("i")),
                    guardOf(view, KEYS.assignment(new Assignment("i", "a"))),
                    guardOf(view, KEYS.assignment(new Assignment("i", "b"))),
                    guardOf(view, KEYS.assignment(new Assignment("i", "c"))));
            assertThat(change.writes()).containsExactly(new Write.Delete(KEYS.assignment(new Assignment("i", "c"))));
        });
    }

    @Test
    void aPromotionDeletesTheOlderReplicasThatAreNotReadyWithTheOldPrimary() {
        AllocatorView view = new KeyspaceFixture().item("i", 2)
                .member("a", "z1", 5, 0xa).member("b", "z2", 5, 0xb).member("c", "z3", 5, 0xc).member("d", "z1", 5, 0xd)
                .assigned("i", "a", 0xa, "ready")
                .assigned("i", "b", 0xb, "warming")
                .assigned("i", "c", 0xc, "ready")
                .assigned("i", "d", 0xd, "ready")
                .view();

        PlannedChanges.Translation t = PlannedChanges.of(
                steps(new Promote(new Assignment("i", "c")), new Remove(new Assignment("i", "a"))), view, KEYS);

        assertThat(t.changes()).singleElement().satisfies(change -> {
            assertThat(change.writes()).containsExactly(new Write.Delete(KEYS.assignment(new Assignment("i", "a"))),
                    new Write.Delete(KEYS.assignment(new Assignment("i", "b"))));
            assertThat(change.what()).isEqualTo("item 'i': promote c remove a demote b");
        });
    }

    @Test
    void aPromotionOfTheNextOldestNeedsNoOtherWrite() {
        AllocatorView view = new KeyspaceFixture().item("i", 1)
                .member("a", "z1", 5, 0xa).member("b", "z2", 5, 0xb).member("c", "z3", 5, 0xc)
                .assigned("i", "a", 0xa, "ready")
                .assigned("i", "b", 0xb, "ready")
                .assigned("i", "c", 0xc, "")
                .view();

        PlannedChanges.Translation t = PlannedChanges.of(
                steps(new Promote(new Assignment("i", "b")), new Remove(new Assignment("i", "a"))), view, KEYS);

        assertThat(t.changes()).hasSize(1);
        assertThat(t.changes().get(0).writes()).containsExactly(new Write.Delete(KEYS.assignment(new Assignment("i", "a"))));
    }

    @Test
    void plannedFromAViewTheStepsBecomeAddsThenOneChangePerItem() {
        AllocatorView view = new KeyspaceFixture().item("i", 1).item("j", 1)
                .member("a", "z1", 1, 0xa).member("b", "z1", 5, 0xb)
                .assigned("i", "a", 0xa, "ready").assigned("j", "a", 0xa, "ready")
                .assigned("i", "b", 0xb, "ready")
                .view();
        Allocation target = AllocationSolver.solve(view.items(), view.members(), view.live());
        HandoffPlan plan = HandoffPlanner.plan(view.items(), view.members(), view.current(), target.assignments());

        PlannedChanges.Translation t = PlannedChanges.of(plan, view, KEYS);

        assertThat(t.changes()).extracting(StoreChange::what).allSatisfy(w -> assertThat(w).doesNotStartWith("add"));
        assertThat(t.changes()).flatExtracting(StoreChange::writes).hasSize((int) (target.removed()));
    }
}
