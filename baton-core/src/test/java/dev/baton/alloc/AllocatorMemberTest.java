package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.session.Session;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The member side alone: the test writes assignment keys the way the leader does. */
class AllocatorMemberTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Etcd etcd;
    private Session session;
    private String namespace;
    private AllocatorKeyspace keys;
    private final List<ItemRoute> routes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect(TestInfo info) {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        session = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open();
        namespace = info.getTestMethod().orElseThrow().getName() + "/";
        keys = new AllocatorKeyspace(namespace);
    }

    @AfterEach
    void disconnect() {
        session.close();
        etcd.close();
    }

    private AllocatorMember join(String id) throws InterruptedException {
        return AllocatorMember.builder(session, namespace, id).zone("z1").capacity(4).listener(routes::add).start();
    }

    /** Creates an assignment as the leader does: on the member's lease, empty status. */
    private long assign(String item, String member, long lease) throws Exception {
        return etcd.put(keys.assignment(new Assignment(item, member)), new byte[0], lease).get();
    }

    private ItemRoute lastRoute(String item) {
        List<ItemRoute> of = routes.stream().filter(r -> r.item().equals(item)).toList();
        return of.isEmpty() ? null : of.get(of.size() - 1);
    }

    @Test
    void joiningWritesTheMemberKeyOnTheSessionLease() throws Exception {
        try (AllocatorMember member = join("m1")) {
            KeyValue kv = etcd.get(keys.member("m1")).get().orElseThrow();
            assertThat(kv.lease()).isEqualTo(session.lease());
            assertThat(kv.valueUtf8()).isEqualTo("{\"zone\":\"z1\",\"capacity\":4,\"exiting\":false}");
            assertThat(member.held()).isEmpty();
        }
        assertThat(etcd.get(keys.member("m1")).get()).isEmpty();
    }

    @Test
    void reshapingRewritesTheMemberKeyInPlace() throws Exception {
        try (AllocatorMember member = join("m1")) {
            long token = etcd.get(keys.member("m1")).get().orElseThrow().createRevision();

            member.reshape("z2", 9);

            KeyValue kv = etcd.get(keys.member("m1")).get().orElseThrow();
            assertThat(kv.valueUtf8()).isEqualTo("{\"zone\":\"z2\",\"capacity\":9,\"exiting\":false}");
            assertThat(kv.createRevision()).as("the same key, not a new join").isEqualTo(token);
            assertThat(kv.lease()).isEqualTo(session.lease());
            assertThatThrownBy(() -> member.reshape("z2", -1)).hasMessageContaining("got -1");
        }
    }

    @Test
    void aMemberIdHeldByAnotherSessionIsRefusedNamingTheLease() throws Exception {
        try (Session other = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open();
             AllocatorMember first = AllocatorMember.builder(other, namespace, "m1").start()) {
            assertThat(first.id()).isEqualTo("m1");
            assertThatThrownBy(() -> AllocatorMember.builder(session, namespace, "m1").joinTimeout(Duration.ofMillis(500)).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("member id 'm1'")
                    .hasMessageContaining(Long.toHexString(other.lease()));
        }
    }

    @Test
    void theRouteListsTheOldestFirstAndThisMembersIndex() throws Exception {
        try (AllocatorMember member = join("m2")) {
            long older = assign("i", "m1", 0);
            long mine = assign("i", "m2", session.lease());

            await().atMost(WAIT).until(() -> lastRoute("i") != null && lastRoute("i").index() == 1);
            ItemRoute route = lastRoute("i");
            assertThat(route.entries()).containsExactly(new RouteEntry("m1", older, ""), new RouteEntry("m2", mine, ""));
            assertThat(route.isPrimary()).isFalse();
            assertThat(route.primary()).map(RouteEntry::member).contains("m1");
            assertThat(member.held()).containsOnlyKeys("i");

            etcd.delete(KeyRange.key(keys.assignment(new Assignment("i", "m1")))).get();
            await().atMost(WAIT).until(() -> lastRoute("i").isPrimary());
        }
    }

    @Test
    void theStatusIsWrittenOnlyOnTheAssignmentItsTokenNames() throws Exception {
        try (AllocatorMember member = join("m1")) {
            long token = assign("i", "m1", session.lease());
            await().atMost(WAIT).until(() -> member.held().containsKey("i"));

            assertThat(member.writeStatus("i", token + 1, "ready").get()).isFalse();
            assertThat(member.writeStatus("i", token, "ready").get()).isTrue();

            KeyValue kv = etcd.get(keys.assignment(new Assignment("i", "m1"))).get().orElseThrow();
            assertThat(kv.valueUtf8()).isEqualTo("ready");
            assertThat(kv.lease()).isEqualTo(session.lease());
            assertThat(kv.createRevision()).isEqualTo(token);
            await().atMost(WAIT).until(() -> lastRoute("i").self().map(RouteEntry::status).orElse("").equals("ready"));
            assertThatThrownBy(() -> member.writeStatus("i", token, "x".repeat(AllocatorMember.MAX_STATUS_BYTES + 1)))
                    .hasMessageContaining("is " + (AllocatorMember.MAX_STATUS_BYTES + 1));
        }
    }

    @Test
    void anAssignmentOnAnotherLeaseIsNotThisMembers() throws Exception {
        try (AllocatorMember member = join("m1")) {
            long token = assign("i", "m1", 0);
            assign("j", "m1", session.lease());

            await().atMost(WAIT).until(() -> member.held().containsKey("j"));
            assertThat(member.held()).doesNotContainKey("i");
            assertThat(member.route("i").index()).isEqualTo(-1);
            assertThat(member.writeStatus("i", token, "ready").get()).isFalse();
        }
    }

    @Test
    void exitMarksTheMemberExitingWaitsForTheHandoffThenLeaves() throws Exception {
        AllocatorMember member = join("m1");
        assign("i", "m1", session.lease());
        await().atMost(WAIT).until(() -> member.held().containsKey("i"));

        CompletableFuture<Boolean> exited = CompletableFuture.supplyAsync(() -> {
            try {
                return member.exit(WAIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(WAIT).until(() -> etcd.get(keys.member("m1")).get().map(KeyValue::valueUtf8).orElse("")
                .contains("\"exiting\":true"));
        assertThat(exited).isNotDone();

        etcd.delete(KeyRange.key(keys.assignment(new Assignment("i", "m1")))).get();

        assertThat(exited.get()).isTrue();
        assertThat(lastRoute("i").index()).isEqualTo(-1);
        assertThat(etcd.get(keys.member("m1")).get()).isEmpty();
    }

    @Test
    void aClosedSessionReportsEveryHeldItemAsNoLongerHeld() throws Exception {
        try (AllocatorMember member = join("m1")) {
            assign("i", "m1", session.lease());
            await().atMost(WAIT).until(() -> member.held().containsKey("i"));

            session.close();

            await().atMost(WAIT).until(() -> lastRoute("i").index() == -1);
            assertThat(member.held()).isEmpty();
        }
    }
}
