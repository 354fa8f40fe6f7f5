package dev.baton.alloc;

import static dev.baton.alloc.StoreStory.READY;
import static dev.baton.alloc.StoreStory.heldBy;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stories of members coming and going, told in store keys: given members, items and
 * assignments in the store, when the allocator runs and something happens, then these
 * assignments come out, and no revision on the way broke capacity or safe handoff.
 */
class AllocatorScenarioTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private Etcd etcd;
    private StoreStory story;

    @BeforeEach
    void connect(TestInfo info) {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        story = new StoreStory(etcd, "story-" + info.getTestMethod().orElseThrow().getName() + "/");
    }

    @AfterEach
    void close() throws Exception {
        story.close();
        etcd.close();
    }

    @Test
    void itemsArePlacedOnePerZone() throws Exception {
        story.item("x", 3).item("y", 3)
                .member("a", "za", 2).member("b", "zb", 2).member("c", "zc", 2)
                .allocatorRuns()
                .thenAssignments("x@a", "x@b", "x@c", "y@a", "y@b", "y@c");
    }

    @Test
    void aJoiningMemberTakesItsShareAndNoMore() throws Exception {
        story.item("x", 1).item("y", 1).item("z", 1).item("w", 1)
                .member("a", "za", 4)
                .assigned("x", "a", READY).assigned("y", "a", READY).assigned("z", "a", READY).assigned("w", "a", READY)
                .allocatorRuns()
                .thenAssignments("x@a", "y@a", "z@a", "w@a")
                .joins("b", "za", 4)
                .then("a and b hold two items each", held -> held.size() == 4 && heldBy(held, "a") == 2
                        && heldBy(held, "b") == 2);
    }

    @Test
    void aLeavingMembersReplicasMoveOnlyOnceTheirNewHomesAreReady() throws Exception {
        story.item("x", 2).item("y", 2)
                .member("a", "za", 2).member("b", "zb", 2)
                .assigned("x", "a", READY).assigned("x", "b", READY)
                .assigned("y", "a", READY).assigned("y", "b", READY)
                .allocatorRuns()
                .thenAssignments("x@a", "x@b", "y@a", "y@b")
                .joins("c", "zc", 2)
                .exits("a")
                .thenAssignments("x@b", "x@c", "y@b", "y@c");
    }

    @Test
    void aLostZonesReplicasAreReplacedInTheZonesLeft() throws Exception {
        story.item("x", 3)
                .member("a", "za", 1).member("b", "zb", 1).member("c", "zc", 1).member("d", "zc", 1)
                .assigned("x", "a", READY).assigned("x", "b", READY).assigned("x", "c", READY)
                .allocatorRuns()
                .thenAssignments("x@a", "x@b", "x@c")
                .zoneIsLost("zb")
                .thenAssignments("x@a", "x@c", "x@d");
    }

    @Test
    void aReplicaCountRaisedAddsReplicasAndLoweredRemovesThem() throws Exception {
        story.item("x", 1)
                .member("a", "za", 1).member("b", "zb", 1).member("c", "zc", 1)
                .assigned("x", "a", READY)
                .allocatorRuns()
                .thenAssignments("x@a")
                .item("x", 3)
                .thenAssignments("x@a", "x@b", "x@c")
                .item("x", 1)
                .then("one replica is left", held -> held.size() == 1);
    }

    @Test
    void aMemberWhoseCapacityDropsToZeroHandsItsReplicasOffWithoutLeaving() throws Exception {
        story.item("x", 1).item("y", 1)
                .member("a", "za", 2).member("b", "za", 2)
                .assigned("x", "a", READY).assigned("y", "b", READY)
                .allocatorRuns()
                .thenAssignments("x@a", "y@b")
                .reshapes("a", "za", 0)
                .thenAssignments("x@b", "y@b");
    }

    @Test
    void aMemberThatMovesZoneHasItsReplicasSpreadAgain() throws Exception {
        story.item("x", 2)
                .member("a", "za", 1).member("b", "zb", 1).member("c", "zc", 1)
                .assigned("x", "a", READY).assigned("x", "b", READY)
                .allocatorRuns()
                .thenAssignments("x@a", "x@b")
                .reshapes("b", "za", 1)
                .then("x is in zones a and c", held -> held.size() == 2 && held.contains("x@c"));
    }

    @Test
    void aPrimaryStaysWhileItsSuccessorIsNeverReadyAndGoesOnceItIs() throws Exception {
        story.item("x", 1)
                .member("a", "za", 1).member("b", "zb", 1).neverReady("b")
                .assigned("x", "a", READY)
                .allocatorRuns()
                .thenAssignments("x@a")
                .exits("a")
                .thenWaitingWith("x@a", "x@b")
                .becomesReady("b")
                .thenAssignments("x@b");
    }

    @Test
    void anItemWithMoreReplicasThanOneTransactionHoldsIsHandledWhole() throws Exception {
        story.item("wide", 140);
        for (int m = 0; m < 140; m++) {
            story.member("m" + m, "z" + (m % 3), 1);
        }
        story.allocatorRuns()
                .then("every member holds the item", held -> held.size() == 140)
                .item("wide", 1)
                .then("one replica is left", held -> held.size() == 1);
    }
}
