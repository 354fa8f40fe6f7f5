package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SolvedTargetTest {

    /** Item x of 1 replica on a, which is exiting, and b with room: the target moves x to b. */
    private static KeyspaceFixture handoff() {
        return new KeyspaceFixture().item("x", 1)
                .member(new Member("a", "z", 1, true), 0xa).member("b", "z", 1, 0xb)
                .assigned("x", "a", 0xa, "ready");
    }

    @Test
    void theTargetStandsWhileOnlyTheLeadersOwnStepsHappened() {
        SolvedTarget target = SolvedTarget.solve(handoff().view());
        assertThat(target.allocation().assignments()).containsExactly(new Assignment("x", "b"));

        assertThat(target.standsFor(handoff().view())).as("nothing happened").isTrue();
        assertThat(target.standsFor(handoff().assigned("x", "b", 0xb, "").view())).as("b added").isTrue();
        assertThat(target.standsFor(new KeyspaceFixture().item("x", 1)
                .member(new Member("a", "z", 1, true), 0xa).member("b", "z", 1, 0xb)
                .assigned("x", "b", 0xb, "ready").view())).as("a removed").isTrue();
    }

    @Test
    void anyOtherChangeCallsForANewSolve() {
        SolvedTarget target = SolvedTarget.solve(handoff().view());

        assertThat(target.standsFor(handoff().item("y", 1).view())).as("an item added").isFalse();
        assertThat(target.standsFor(handoff().member("c", "z", 1, 0xc).view())).as("a member joined").isFalse();
        assertThat(target.standsFor(new KeyspaceFixture().item("x", 1)
                .member(new Member("a", "z", 1, true), 0xa).member("b", "z", 2, 0xb)
                .assigned("x", "a", 0xa, "ready").view())).as("a capacity changed").isFalse();
    }

    @Test
    void aKeptReplicaLostCallsForANewSolve() {
        KeyspaceFixture kept = new KeyspaceFixture().item("x", 1).member("a", "z", 1, 0xa).member("b", "z", 1, 0xb)
                .assigned("x", "a", 0xa, "ready");
        SolvedTarget target = SolvedTarget.solve(kept.view());
        assertThat(target.allocation().assignments()).containsExactly(new Assignment("x", "a"));

        assertThat(target.standsFor(new KeyspaceFixture().item("x", 1).member("a", "z", 1, 0xa)
                .member("b", "z", 1, 0xb).view())).isFalse();
    }
}
