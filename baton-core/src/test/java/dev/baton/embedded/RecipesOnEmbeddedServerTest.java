package dev.baton.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cache.KeyspaceCache;
import dev.baton.cache.ValueDecoder;
import dev.baton.election.Election;
import dev.baton.election.Leadership;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operations;
import dev.baton.lock.HeldLock;
import dev.baton.lock.LossReason;
import dev.baton.lock.Mutex;
import dev.baton.lock.Semaphore;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import dev.baton.tasks.SubmitAllResult;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskSubmission;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipes on Baton's own embedded server instead of etcd: the one client path means the same
 * code runs unchanged; these stories check that the server's lease, watch and txn semantics carry
 * each recipe's guarantee.
 */
class RecipesOnEmbeddedServerTest {
    @TempDir
    static Path dataDir;

    static EmbeddedEtcd server;
    static Etcd etcd;

    @BeforeAll
    static void start() {
        server = EmbeddedEtcd.builder().listen("127.0.0.1", 0).dataDir(dataDir).build().start();
        etcd = Etcd.builder().endpoints(server.endpoint()).build();
    }

    @AfterAll
    static void stop() {
        etcd.close();
        server.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSessionKeepsItsKeyAliveAndCloseRemovesIt() throws Exception {
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(2)).open();
        etcd.put("embedded/members/a", utf8("x"), session.lease()).get();

        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
                .until(() -> session.state() == SessionState.CONNECTED && etcd.get("embedded/members/a").get().isPresent());
        session.close();

        assertThat(etcd.get("embedded/members/a").get()).isEmpty();
    }

    @Test
    void aResignedLeadersFencedWritesFailAndTheNextLeaderTakesOver() throws Exception {
        try (Session first = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open();
             Session second = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open()) {
            Leadership leading = Election.on(first, "embedded/election").campaign("first", Duration.ofSeconds(10));
            var waiting = Election.on(second, "embedded/election").campaign("second");

            leading.resign().get();
            Leadership next = waiting.elected().get();

            assertThat(next.token()).isGreaterThan(leading.token());
            assertThat(etcd.txn(List.of(leading.fence()), List.of(Operations.put("embedded/ledger", utf8("stale"), 0)),
                    List.of()).get().succeeded()).isFalse();
            assertThat(etcd.txn(List.of(next.fence()), List.of(Operations.put("embedded/ledger", utf8("fresh"), 0)),
                    List.of()).get().succeeded()).isTrue();
        }
    }

    @Test
    void aReleasedMutexPassesToTheWaiterAndTheOldHoldersFencedWritesFail() throws Exception {
        try (Session first = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open();
             Session second = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open()) {
            HeldLock held = Mutex.on(first, "embedded/mutex").lock(Duration.ofSeconds(10));
            Mutex waiting = Mutex.on(second, "embedded/mutex");
            assertThat(waiting.tryLock()).isEmpty();

            held.release().get();
            HeldLock next = waiting.lock(Duration.ofSeconds(10));

            assertThat(held.lost().get()).isEqualTo(LossReason.RELEASED);
            assertThat(next.token()).isGreaterThan(held.token());
            assertThat(etcd.txn(List.of(held.fence()), List.of(Operations.put("embedded/mutex-ledger", utf8("stale"), 0)),
                    List.of()).get().succeeded()).isFalse();
        }
    }

    @Test
    void aSemaphoreAdmitsItsPermitsAndNoMore() throws Exception {
        try (Session session = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open()) {
            Optional<HeldLock> a = Semaphore.on(session, "embedded/semaphore", 2).tryAcquire();
            Optional<HeldLock> b = Semaphore.on(session, "embedded/semaphore", 2).tryAcquire();
            Optional<HeldLock> c = Semaphore.on(session, "embedded/semaphore", 2).tryAcquire();

            assertThat(a).isPresent();
            assertThat(b).isPresent();
            assertThat(c).isEmpty();
        }
    }

    @Test
    void theCacheFollowsWritesAndReadsItsOwn() throws Exception {
        try (KeyspaceCache<String> cache = KeyspaceCache.builder(etcd, "embedded/cache/", ValueDecoder.utf8()).start()) {
            for (int i = 0; i < 200; i++) {
                etcd.put("embedded/cache/" + (i % 20), utf8("v" + i), 0).get();
            }
            long last = etcd.put("embedded/cache/last", utf8("mine"), 0).get();

            assertThat(cache.awaitRevision(last, Duration.ofSeconds(10))).isTrue();
            assertThat(cache.get("embedded/cache/last").orElseThrow().value()).isEqualTo("mine");
            assertThat(cache.snapshot().size()).isEqualTo(21);
            assertThat(cache.get("embedded/cache/19").orElseThrow().value()).isEqualTo("v199");
        }
    }

    @Test
    void aBatchSubmitFitsTheServersOperationAndRequestLimits() {
        TaskClient client = TaskClient.create(etcd, "embedded-batch/");
        String filler = "x".repeat(60 * 1024);
        List<TaskSubmission> submissions = IntStream.range(0, 200)
                .mapToObj(i -> TaskSubmission.of(TaskId.of("b" + i),
                        TaskProperties.parse(i % 2 == 0 ? "{\"filler\":\"" + filler + "\"}" : "{}")))
                .toList();
        client.submit(TaskId.of("b7"), TaskProperties.empty());

        SubmitAllResult result = client.submitAll(submissions);

        assertThat(result.duplicates()).containsExactly(TaskId.of("b7"));
        assertThat(result.submitted()).hasSize(199);
        assertThat(client.list()).hasSize(200);
    }

    @Test
    void twoMembersCompleteEveryTaskExactlyOnce() throws Exception {
        Set<String> completed = ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        TaskClient client = TaskClient.create(etcd, "embedded/tasks/");
        try (TaskMember a = member("a", completed, runs); TaskMember b = member("b", completed, runs)) {
            for (int i = 0; i < 40; i++) {
                client.submit(TaskId.of("t" + i), TaskProperties.empty());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> completed.size() == 40);
        }
        assertThat(runs).hasValue(40);
    }

    private static TaskMember member(String name, Set<String> completed, AtomicInteger runs) {
        return TaskMember.builder(etcd, name).namespace("embedded/tasks/").sessionTtl(Duration.ofSeconds(3))
                .handler(context -> {
                    runs.incrementAndGet();
                    completed.add(context.id().value());
                })
                .start();
    }
}
