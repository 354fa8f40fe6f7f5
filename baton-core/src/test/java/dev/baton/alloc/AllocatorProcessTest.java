package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Members in their own JVMs ({@link AllocatorMemberMain}, each also a leader candidate) join,
 * leave, crash and lose their leader, while an {@link AssignmentRecorder} checks every revision.
 */
class AllocatorProcessTest {
    private static final Logger LOG = LoggerFactory.getLogger(AllocatorProcessTest.class);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** Generous: child JVMs start slowly on a loaded machine and a crashed lease takes a TTL to expire. */
    private static final Duration CONVERGE = Duration.ofSeconds(120);

    private final List<ChildJvm> children = new ArrayList<>();
    private Etcd etcd;
    private String namespace;
    private AllocatorKeyspace keys;
    private AssignmentRecorder recorder;

    @BeforeEach
    void connect(TestInfo info) throws Exception {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        namespace = info.getTestMethod().orElseThrow().getName() + "/";
        keys = new AllocatorKeyspace(namespace);
        recorder = AssignmentRecorder.start(etcd, keys);
    }

    @AfterEach
    void stop() {
        for (ChildJvm child : children) {
            child.close();
            child.lines().stream().filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .forEach(line -> LOG.info("{} logged: {}", child, line));
        }
        recorder.close();
        etcd.close();
    }

    private ChildJvm member(String id, String zone, int capacity, String... properties) {
        ChildJvm.Builder builder = ChildJvm.builder(AllocatorMemberMain.class)
                .jvmArgs("-Xmx128m")
                .args(ETCD.endpoint(), namespace, id, zone, String.valueOf(capacity));
        for (int i = 0; i < properties.length; i += 2) {
            builder.systemProperty(properties[i], properties[i + 1]);
        }
        ChildJvm child = builder.start();
        children.add(child);
        return child;
    }

    private static void awaitJoined(ChildJvm... members) {
        for (ChildJvm member : members) {
            member.awaitLine("^joined ", Duration.ofSeconds(90));
        }
    }

    private void addItems(String prefix, int count, int replicas) throws Exception {
        ItemCatalog catalog = ItemCatalog.of(etcd, namespace);
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(catalog.put(new Item(prefix + i, replicas)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
    }

    private StoreState read() throws Exception {
        return StoreState.of(keys, etcd.range(KeyRange.prefix(keys.root())).get().kvs());
    }

    /** Waits until the store is converged and balanced, and the recorder has checked every revision up to it. */
    private StoreState awaitConverged(String step) throws Exception {
        await(step).atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).until(() -> read().isConverged(keys));
        recorder.catchUp(CONVERGE.toMillis());
        StoreState state = read();
        LOG.info("{}: {}; recorder: {}", step, state, recorder.summary());
        assertThat(recorder.violations()).as("violations after " + step).isEmpty();
        return state;
    }

    private String leaderId() throws Exception {
        return etcd.range(KeyRange.prefix(keys.election() + "/")).get().kvs().stream()
                .min(Comparator.comparingLong(KeyValue::createRevision)).map(KeyValue::valueUtf8).orElseThrow();
    }

    @Test
    void membersJoinLeaveAndCrashWhileEveryRevisionKeepsTheInvariants() throws Exception {
        addItems("item-", 20, 2);
        ChildJvm m1 = member("m1", "a", 30, "alloc.fixed", "4");
        ChildJvm m2 = member("m2", "b", 30, "alloc.fixed", "4");
        ChildJvm m3 = member("m3", "c", 30, "alloc.fixed", "4");
        awaitJoined(m1, m2, m3);
        StoreState three = awaitConverged("three members");
        assertThat(three.items).hasSize(24).containsKeys("fixed-0", "fixed-3");
        assertThat(three.heldByMember).containsOnlyKeys("m1", "m2", "m3").allSatisfy((m, held) -> assertThat(held).isEqualTo(16));

        ChildJvm m4 = member("m4", "b", 30);
        awaitJoined(m4);
        addItems("late-", 4, 2);
        StoreState four = awaitConverged("a fourth member joined and items were added out of band");
        assertThat(four.items).hasSize(28);
        assertThat(four.heldByMember.values()).allSatisfy(held -> assertThat(held).isEqualTo(14));

        m2.terminate();
        m2.awaitLine("^exited m2 drained=true", CONVERGE);
        assertThat(m2.exitCode(Duration.ofSeconds(30))).isEqualTo(143);
        StoreState left = awaitConverged("m2 left gracefully");
        assertThat(left.members).containsOnlyKeys("m1", "m3", "m4");

        int removalsBeforeCrash = recorder.plannedRemovals();
        m3.kill();
        await("m3's lease expires").atMost(CONVERGE).until(() -> !read().members.containsKey("m3"));
        StoreState crashed = awaitConverged("m3 was killed");
        assertThat(crashed.members).containsOnlyKeys("m1", "m4");
        assertThat(crashed.heldByMember).containsOnlyKeys("m1", "m4").allSatisfy((m, held) -> assertThat(held).isEqualTo(28));
        assertThat(recorder.plannedRemovals()).as("a crash needs no removal").isEqualTo(removalsBeforeCrash);
    }

    @Test
    void theLeaderKilledMidRebalanceIsReplacedAndTheNewLeaderFinishesTheHandoffs() throws Exception {
        addItems("item-", 30, 2);
        ChildJvm a = member("a1", "a", 80);
        ChildJvm b = member("b1", "b", 80);
        ChildJvm c = member("c1", "c", 80);
        awaitJoined(a, b, c);
        awaitConverged("three members");
        String leader = leaderId();
        Map<String, ChildJvm> byId = Map.of("a1", a, "b1", b, "c1", c);

        // The new member's replicas take 5 s to become ready, so the moves to it still wait to
        // remove their old replicas when the leader dies.
        ChildJvm d = member("d1", "d", 80, "alloc.warmup", "5000");
        awaitJoined(d);
        await("d1 receives replicas moving to it").atMost(CONVERGE)
                .until(() -> recorder.current().heldByMember.getOrDefault("d1", 0) >= 3);
        byId.get(leader).kill();
        recorder.catchUp(CONVERGE.toMillis());
        int removalsAtKill = recorder.plannedRemovals();
        LOG.info("killed leader {} with {} planned removals so far", leader, removalsAtKill);
        await("the leader's lease expires").atMost(CONVERGE).until(() -> !read().members.containsKey(leader));

        StoreState after = awaitConverged("the leader " + leader + " was killed mid-rebalance");
        assertThat(leaderId()).isNotEqualTo(leader);
        assertThat(after.members).doesNotContainKey(leader).hasSize(3);
        assertThat(after.heldByMember.values()).allSatisfy(held -> assertThat(held).isEqualTo(20));
        assertThat(recorder.plannedRemovals()).as("handoffs completed by the new leader").isGreaterThan(removalsAtKill);
    }
}
