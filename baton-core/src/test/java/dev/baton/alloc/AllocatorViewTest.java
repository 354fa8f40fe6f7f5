package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AllocatorViewTest {

    @Test
    void liveAssignmentsAreThoseOnTheirMembersLeaseAndTheCheckDecidesReadiness() {
        AllocatorView view = new KeyspaceFixture()
                .item("i", 2)
                .member("a", "z1", 5, 0xa)
                .member("b", "z2", 5, 0xb)
                .assigned("i", "a", 0xa, "ready")
                .assigned("i", "b", 0xb, "warming")
                .view();

        assertThat(view.items()).containsExactly(new Item("i", 2));
        assertThat(view.members()).containsExactlyInAnyOrder(new Member("a", "z1", 5), new Member("b", "z2", 5));
        assertThat(view.live()).containsExactlyInAnyOrder(new Assignment("i", "a"), new Assignment("i", "b"));
        assertThat(view.current()).extracting(s -> s.assignment().member() + ":" + s.ready())
                .containsExactlyInAnyOrder("a:true", "b:false");
        assertThat(view.problems()).isEmpty();
    }

    @Test
    void anAssignmentOnAnotherLeaseOrWithoutMemberIsAnOrphanThatNeverCountsAsReady() {
        AllocatorView view = new KeyspaceFixture()
                .item("i", 2)
                .member("a", "z1", 5, 0xa2)
                .assigned("i", "a", 0xa1, "ready")
                .assigned("i", "gone", 0x99, "ready")
                .view();

        assertThat(view.live()).isEmpty();
        assertThat(view.current()).extracting(AssignmentState::ready).containsExactly(false, false);
        assertThat(view.currentOf("i")).hasSize(2);
    }

    @Test
    void anUndecodableItemIsFrozenItsAssignmentsUntouchedButStillUsingCapacity() {
        AllocatorView view = new KeyspaceFixture()
                .undecodable(KeyspaceFixture.KEYS.item("bad"))
                .member("a", "z1", 5, 0xa)
                .assigned("bad", "a", 0xa, "ready")
                .assigned("bad2", "a", 0xa, "ready")
                .view();

        assertThat(view.members()).containsExactly(new Member("a", "z1", 4));
        assertThat(view.current()).extracting(AssignmentState::assignment).containsExactly(new Assignment("bad2", "a"));
        assertThat(view.problems()).singleElement().asString().contains("item 'bad' is frozen");
    }

    @Test
    void aMemberThatCannotBeDecodedOrHasNoLeaseIsFrozenAndKeepsWhatItHolds() {
        AllocatorView view = new KeyspaceFixture()
                .item("i", 1)
                .undecodable(KeyspaceFixture.KEYS.member("bad"))
                .member("nolease", "z1", 5, 0)
                .assigned("i", "bad", 0xb, "ready")
                .assigned("i", "nolease", 0, "ready")
                .view();

        assertThat(view.members()).isEmpty();
        assertThat(view.current()).isEmpty();
        assertThat(view.problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("member 'bad' is frozen"))
                .anySatisfy(p -> assertThat(p).contains("member 'nolease' is frozen").contains("no lease"));
    }

    @Test
    void aReadinessCheckThatThrowsCountsTheReplicaAsNotReadyAndIsReported() {
        AllocatorView view = new KeyspaceFixture()
                .item("i", 1)
                .member("a", "z1", 5, 0xa)
                .assigned("i", "a", 0xa, "ready")
                .view((item, status) -> {
                    throw new IllegalStateException("boom");
                });

        assertThat(view.current()).extracting(AssignmentState::ready).containsExactly(false);
        assertThat(view.problems()).singleElement().asString().contains("i@a").contains("boom");
    }
}
