package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.alloc.HandoffStep.Add;
import dev.baton.alloc.HandoffStep.Promote;
import dev.baton.alloc.HandoffStep.Remove;
import dev.baton.alloc.StoreChange.Guard;
import dev.baton.alloc.StoreChange.Write;
import dev.baton.alloc.solver.AllocationSolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannedChangesTest {

    private static final AllocatorKeyspace KEYS = KeyspaceFixture.KEYS;

    private static HandoffPlan steps(HandoffStep... steps) {
        return new HandoffPlan(List.of(steps), List.of(), List.of());
    }

    /** Steps planned toward a target in which every item keeps one replica. */
    private static PlannedChanges.Translation translate(HandoffPlan plan, AllocatorView view) {
        return PlannedChanges.of(plan, new Allocation(List.of(), 0, 0, 0, 0, true), view, KEYS, 128);
    }

    /** A target of "item@member" assignments. */
    private static Allocation target(String... assignments) {
        List<Assignment> list = Arrays.stream(assignments)
                .map(a -> new Assignment(a.substring(0, a.indexOf('@')), a.substring(a.indexOf('@') + 1))).toList();
        return new Allocation(list, list.size(), list.size(), 0, 0, true);
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

        PlannedChanges.Translation t = translate(steps(new Add(new Assignment("i", "a"))), view);

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

        PlannedChanges.Translation t = translate(steps(new Add(new Assignment("i", "a"))), view);

        assertThat(t.changes()).isEmpty();
        assertThat(t.deferred()).isEqualTo(1);
    }

    @Test
    void removalsAreGuardedByTheItemTheDeletedKeysAndTheReadyReplicasTheItemReliesOn() {
        AllocatorView view = new KeyspaceFixture().item("i", 2)
                .member("a", "z1", 5, 0xa).member("b", "z2", 5, 0xb).member("c", "z3", 5, 0xc).member("d", "z1", 5, 0xd)
                .assigned("i", "a", 0xa, "ready").assigned("i", "b", 0xb, "ready").assigned("i", "c", 0xc, "ready")
                .assigned("i", "d", 0xd, "")
                .view();

        PlannedChanges.Translation t = PlannedChanges.of(steps(new Remove(new Assignment("i", "c"))),
                target("i@a", "i@b", "i@d"), view, KEYS, 128);

        assertThat(t.changes()).singleElement().satisfies(change -> {
            assertThat(change.guards()).as("d is not ready, so a report from it must not refuse the removal")
                    .containsExactlyInAnyOrder(guardOf(view, KEYS.item("i")),
                            guardOf(view, KEYS.assignment(new Assignment("i", "a"))),
                            guardOf(view, KEYS.assignment(new Assignment("i", "b"))),
                            guardOf(view, KEYS.assignment(new Assignment("i", "c"))));
            assertThat(change.writes()).containsExactly(new Write.Delete(KEYS.assignment(new Assignment("i", "c"))));
        });
    }

    @Test
    void removalsTooManyForOneTransactionAreSplitEachChangeGuardedByTheRelied() {
        KeyspaceFixture fixture = new KeyspaceFixture().item("i", 1);
        List<HandoffStep> removals = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            fixture.member("m" + m, "z1", 5, 0x10 + m).assigned("i", "m" + m, 0x10 + m, "ready");
            if (m > 0) {
                removals.add(new Remove(new Assignment("i", "m" + m)));
            }
        }
        AllocatorView view = fixture.view();

        PlannedChanges.Translation t = PlannedChanges.of(new HandoffPlan(removals, List.of(), List.of()),
                target("i@m0"), view, KEYS, 5);

        Guard relied = guardOf(view, KEYS.assignment(new Assignment("i", "m0")));
        assertThat(t.changes()).hasSize(5).allSatisfy(change -> {
            assertThat(change.guards()).contains(guardOf(view, KEYS.item("i")), relied).hasSizeLessThanOrEqualTo(4);
            assertThat(change.writes()).doesNotContain(new Write.Delete(KEYS.assignment(new Assignment("i", "m0"))));
        });
        assertThat(t.changes()).flatExtracting(StoreChange::writes).hasSize(9);
        assertThat(TxnBatches.pack(t.changes(), 5)).isNotEmpty();
    }

    @Test
    void removalsThatWouldNeedMoreReliedReplicasThanATransactionHoldsAreNotSent() {
        AllocatorView view = new KeyspaceFixture().item("i", 3)
                .member("a", "z1", 5, 0xa).member("b", "z2", 5, 0xb).member("c", "z3", 5, 0xc).member("d", "z1", 5, 0xd)
                .assigned("i", "a", 0xa, "ready").assigned("i", "b", 0xb, "ready").assigned("i", "c", 0xc, "ready")
                .assigned("i", "d", 0xd, "ready")
                .view();

        PlannedChanges.Translation t = PlannedChanges.of(steps(new Remove(new Assignment("i", "d"))),
                target("i@a", "i@b", "i@c"), view, KEYS, 4);

        assertThat(t.changes()).isEmpty();
        assertThat(t.unsendable()).containsExactly("i");
    }

    @Test
    void olderReplicasThatDoNotFitWithTheOldPrimaryGoFirstAndThePromotionWaits() {
        KeyspaceFixture fixture = new KeyspaceFixture().item("i", 1)
                .member("p", "z1", 5, 0x1).assigned("i", "p", 0x1, "ready");
        for (int m = 0; m < 4; m++) {
            fixture.member("w" + m, "z1", 5, 0x10 + m).assigned("i", "w" + m, 0x10 + m, "");
        }
        AllocatorView view = fixture.member("n", "z2", 5, 0x2).assigned("i", "n", 0x2, "ready").view();

        PlannedChanges.Translation t = PlannedChanges.of(
                steps(new Promote(new Assignment("i", "n")), new Remove(new Assignment("i", "p"))),
                target("i@n"), view, KEYS, 5);

        assertThat(t.deferred()).isEqualTo(1);
        assertThat(t.changes()).flatExtracting(StoreChange::writes).extracting(Write::key)
                .containsExactlyInAnyOrder(KEYS.assignment(new Assignment("i", "w0")), KEYS.assignment(new Assignment("i", "w1")),
                        KEYS.assignment(new Assignment("i", "w2")), KEYS.assignment(new Assignment("i", "w3")));
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

        PlannedChanges.Translation t = translate(steps(new Promote(new Assignment("i", "c")), new Remove(new Assignment("i", "a"))), view);

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

        PlannedChanges.Translation t = translate(steps(new Promote(new Assignment("i", "b")), new Remove(new Assignment("i", "a"))), view);

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

        PlannedChanges.Translation t = PlannedChanges.of(plan, target, view, KEYS, 128);

        assertThat(t.changes()).extracting(StoreChange::what).allSatisfy(w -> assertThat(w).doesNotStartWith("add"));
        assertThat(t.changes()).flatExtracting(StoreChange::writes).hasSize((int) (target.removed()));
    }
}
