package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.cache.KeyspaceCache;
import dev.baton.cache.ValueDecoder;
import dev.baton.election.Election;
import dev.baton.election.Leadership;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.session.Session;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskInfo;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Baton under etcd's authentication with the least-privilege role of docs/security.md: a user
 * whose only permission is {@code readwrite} on its namespace prefix runs sessions, elections,
 * caches and task members, and cannot read or write another namespace.
 */
class RestrictedRoleTest {
    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcdWithAuth() {
        etcd = EtcdProcess.start();
        etcd.enableAuth("root-secret");
        etcd.addPrefixUser("alice", "alice-secret", "team-a/");
        etcd.addPrefixUser("bob", "bob-secret", "team-b/");
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    private static Etcd as(String user, String password) {
        return Etcd.builder().endpoints(etcd.endpoint()).credentials(user, password).build();
    }

    private static Throwable failureOf(Future<?> request) {
        try {
            request.get();
            throw new AssertionError("the request succeeded");
        } catch (ExecutionException e) {
            return Etcd.unwrap(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sessionsElectionsCachesAndTaskMembersWorkWithReadWriteOnTheNamespaceOnly() throws Exception {
        try (Etcd alice = as("alice", "alice-secret");
             Session session = Session.builder(alice).ttl(Duration.ofSeconds(2)).open();
             KeyspaceCache<String> cache = KeyspaceCache.builder(alice, "team-a/", ValueDecoder.utf8()).start();
             TaskMember member = TaskMember.builder(alice, "member-1").namespace("team-a/")
                     .sessionTtl(Duration.ofSeconds(2)).handler(context -> { }).start()) {
            Leadership leadership = Election.on(session, "team-a/election").campaign("alice", Duration.ofSeconds(10));
            assertThat(leadership.isValid()).isTrue();
            alice.put("team-a/app/setting", "on".getBytes(StandardCharsets.UTF_8), session.lease()).get();

            TaskClient tasks = TaskClient.create(alice, "team-a/");
            tasks.submit(TaskId.of("job-1"), TaskProperties.empty());

            await().atMost(Duration.ofSeconds(20)).until(() -> tasks.list().stream().allMatch(TaskInfo::done));
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("team-a/app/setting").isPresent());
            leadership.resign().get();
        }
        try (Etcd root = Etcd.builder().endpoints(etcd.endpoint()).credentials("root", "root-secret").build()) {
            assertThat(root.range(KeyRange.prefix("team-a/app/")).get().kvs()).as("revoked with the session").isEmpty();
        }
    }

    @Test
    void aMemberOfNamespaceACanNeitherReadNorWriteNamespaceB() throws Exception {
        try (Etcd bob = as("bob", "bob-secret"); Etcd alice = as("alice", "alice-secret")) {
            bob.put("team-b/secret", "b".getBytes(StandardCharsets.UTF_8), 0).get();

            assertThat(failureOf(alice.get("team-b/secret"))).hasMessageContaining("permission denied");
            assertThat(failureOf(alice.put("team-b/secret", "a".getBytes(StandardCharsets.UTF_8), 0)))
                    .hasMessageContaining("permission denied");
            assertThat(failureOf(alice.delete(KeyRange.prefix("team-b/")))).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> TaskClient.create(alice, "team-b/").submit(TaskId.of("x"), TaskProperties.empty()))
                    .hasStackTraceContaining("permission denied");
            assertThat(failureOf(alice.range(KeyRange.prefix("team-")))).as("a prefix wider than the role")
                    .hasMessageContaining("permission denied");
            assertThat(bob.get("team-b/secret").get()).hasValueSatisfying(kv -> assertThat(kv.valueUtf8()).isEqualTo("b"));
        }
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailure() {
        try (Etcd wrong = as("alice", "not-her-password")) {
            assertThat(failureOf(wrong.get("team-a/x")))
                    .hasStackTraceContaining("etcdserver: authentication failed, invalid user ID or password");
        }
    }

    @Test
    void withoutCredentialsTheStoreRefuses() {
        try (Etcd anonymous = Etcd.builder().endpoints(etcd.endpoint()).build()) {
            assertThat(failureOf(anonymous.get("team-a/x"))).hasMessageContaining("etcdserver: user name is empty");
        }
    }
}
