package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.session.Session;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leader and its members in one JVM, each on its own session. */
class AllocatorTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<AutoCloseable> open = new ArrayList<>();
    /** Items whose replicas report ready; the others stay warming up until added here. */
    private final Set<String> readyItems = ConcurrentHashMap.newKeySet();
    private Etcd etcd;
    private String namespace;
    private AllocatorKeyspace keys;
    private ItemCatalog catalog;

    @BeforeEach
    void connect(TestInfo info) {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        namespace = info.getTestMethod().orElseThrow().getName() + "/";
        keys = new AllocatorKeyspace(namespace);
        catalog = ItemCatalog.of(etcd, namespace);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        etcd.close();
    }

    private Session session() {
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open();
        open.add(session);
        return session;
    }

    private Allocator leader(Item... fixed) {
        Allocator allocator = Allocator.builder(session(), namespace)
                .readiness(ReadinessCheck.statusEquals("ready"))
                .fixedItems(List.of(fixed))
                .start();
        open.add(allocator);
        return allocator;
    }

    /** A member that reports "ready" for every assignment of an item in {@link #readyItems}, now or once it is added. */
    private AllocatorMember member(String id, String zone, int capacity) throws InterruptedException {
        AllocatorMember[] self = new AllocatorMember[1];
        self[0] = AllocatorMember.builder(session(), namespace, id).zone(zone).capacity(capacity)
                .listener(route -> route.self()
                        .filter(entry -> entry.status().isEmpty() && readyItems.contains(route.item()))
                        .ifPresent(entry -> self[0].writeStatus(route.item(), entry.token(), "ready")))
                .start();
        open.add(self[0]);
        return self[0];
    }

    private StoreState read() throws Exception {
        return StoreState.of(keys, etcd.range(KeyRange.prefix(keys.root())).get().kvs());
    }

    private void awaitConverged() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> read().isConverged(keys));
    }

    @Test
    void fixedItemsAreCreatedIfAbsentAndOthersAddedChangedOrDeletedOutOfBandArePickedUp() throws Exception {
        readyItems.addAll(List.of("fixed", "kept", "x", "y"));
        catalog.put(new Item("kept", 1)).get();
        member("m1", "a", 10);
        member("m2", "b", 10);
        Allocator allocator = leader(new Item("fixed", 2), new Item("kept", 2));
        awaitConverged();
        assertThat(read().items).containsOnlyKeys("fixed", "kept").containsEntry("kept", new Item("kept", 1));
        assertThat(allocator.isLeader()).isTrue();

        catalog.put(new Item("x", 2)).get();
        catalog.put(new Item("kept", 2)).get();
        catalog.delete("fixed").get();
        awaitConverged();

        StoreState state = read();
        assertThat(state.assignmentsByItem).containsOnlyKeys("kept", "x");
        assertThat(state.assignmentsByItem.get("kept")).hasSize(2);
        assertThat(allocator.lastRound()).hasValueSatisfying(round -> {
            assertThat(round.converged()).isTrue();
            assertThat(round.placedReplicas()).isEqualTo(4);
        });
    }

    @Test
    void anExitingMembersPrimaryStaysUntilAReplicaIsReadyThenHandsOver() throws Exception {
        AllocatorMember m1 = member("m1", "a", 10);
        readyItems.add("x");
        catalog.put(new Item("x", 1)).get();
        leader();
        awaitConverged();
        member("m2", "b", 10);
        readyItems.remove("x");

        assertThat(m1.exit(Duration.ofSeconds(3))).as("nothing ready to take over").isFalse();
        // m1 closed its member key, not its session: the orphan stays until a replica is ready.
        await().atMost(WAIT).until(() -> read().assignmentsByItem.getOrDefault("x", List.of()).size() == 2);
        StoreState waiting = read();
        assertThat(StoreState.memberOf(keys, waiting.primary("x"))).isEqualTo("m1");

        readyItems.add("x");
        etcd.put(keys.assignment(new Assignment("x", "m2")), "ready".getBytes(StandardCharsets.UTF_8),
                etcd.get(keys.member("m2")).get().orElseThrow().lease()).get();
        awaitConverged();
        assertThat(StoreState.memberOf(keys, read().primary("x"))).isEqualTo("m2");
    }

    @Test
    void anItemWhoseValueCannotBeDecodedIsFrozenNotDropped() throws Exception {
        readyItems.addAll(List.of("x", "y"));
        catalog.put(new Item("x", 1)).get();
        catalog.put(new Item("y", 1)).get();
        member("m1", "a", 10);
        leader();
        awaitConverged();

        etcd.put(keys.item("x"), "{not json".getBytes(StandardCharsets.UTF_8), 0).get();
        catalog.put(new Item("y", 0)).get();

        await().atMost(WAIT).until(() -> !read().assignmentsByItem.containsKey("y"));
        assertThat(read().assignmentsByItem.get("x")).hasSize(1);
    }

    @Test
    void twelveHundredReplicasArePlacedInTransactionsEtcdAccepts() throws Exception {
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            readyItems.add("bulk-" + i);
            writes.add(catalog.put(new Item("bulk-" + i, 3)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
        for (int m = 0; m < 9; m++) {
            member("m" + m, "z" + (m % 3), 200);
        }
        Allocator allocator = leader();

        // On an overloaded etcd the members' sessions can lapse and renew while this runs, and the
        // fleet briefly converges on fewer members; wait for the placement with all nine.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> read().isConverged(keys) && read().assignmentCount() == 1200);

        StoreState state = read();
        assertThat(state.heldByMember.values()).allSatisfy(held -> assertThat(held).isBetween(133, 134));
        assertThat(allocator.lastRound()).hasValueSatisfying(round -> assertThat(round.refused()).isZero());
    }
}
