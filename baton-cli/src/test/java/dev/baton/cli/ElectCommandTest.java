package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code baton elect} and {@code etcdctl elect} see the same election; a candidacy ended by others ends the command. */
class ElectCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aBatonLeaderIsSeenByEtcdctlAndResignsOnSigterm() throws Exception {
        try (ChildJvm leader = ChildJvm.builder(BatonCommand.class)
                .args("elect", "--endpoints", ETCD.endpoint(), "jobs", "first").start();
             ChildJvm listener = ChildJvm.builder(BatonCommand.class)
                .args("elect", "--endpoints", ETCD.endpoint(), "--listen", "jobs").start()) {
            leader.awaitLine(line -> line.startsWith("elected: jobs first"), TIMEOUT);
            listener.awaitLine("first", TIMEOUT);
            Process etcdctl = ETCD.process().etcdctlProcess("elect", "jobs", "second");
            leader.terminate();
            assertThat(leader.exitCode(TIMEOUT)).isIn(0, 143);
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(etcdctl.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(lines.readLine()).startsWith("jobs/");
            } finally {
                etcdctl.destroy();
            }
            listener.awaitLine("second", TIMEOUT);
        }
    }

    @Test
    void aLeaderWhoseKeyIsDeletedByAnotherClientExitsWithAnError() {
        try (ChildJvm leader = ChildJvm.builder(BatonCommand.class)
                .args("elect", "--endpoints", ETCD.endpoint(), "deleted", "first").start()) {
            leader.awaitLine(line -> line.startsWith("elected: deleted first"), TIMEOUT);

            ETCD.process().etcdctl("del", "--prefix", "deleted/");

            assertThat(leader.exitCode(TIMEOUT)).isEqualTo(1);
            assertThat(leader.lines()).contains("lost: deleted (KEY_DELETED)");
            assertThat(leader.errorLines()).anyMatch(line -> line.contains("KEY_DELETED"));
        }
    }

    @Test
    void aMalformedNameIsBadUsageBeforeAnyConnection() {
        // Nothing listens on the endpoint: the name must be refused before a session is opened.
        InProcessRun slash = InProcessRun.baton("elect", "--endpoints", "http://127.0.0.1:1", "jobs/", "first");
        assertThat(slash.exitCode()).isEqualTo(2);
        assertThat(slash.err()).contains("\"jobs/\"");
    }

    private static List<String> keys(String prefix) {
        return ETCD.process().etcdctl("get", "--prefix", "--keys-only", prefix).lines()
                .filter(line -> !line.isBlank()).toList();
    }

    @Test
    void aWaitingCandidateWhoseKeyIsDeletedExitsWithAnError() {
        try (ChildJvm leader = ChildJvm.builder(BatonCommand.class)
                .args("elect", "--endpoints", ETCD.endpoint(), "waiting", "first").start()) {
            leader.awaitLine(line -> line.startsWith("elected: waiting first"), TIMEOUT);
            String leaderKey = keys("waiting/").get(0);
            try (ChildJvm candidate = ChildJvm.builder(BatonCommand.class)
                    .args("elect", "--endpoints", ETCD.endpoint(), "waiting", "second").start()) {
                await().atMost(TIMEOUT).until(() -> keys("waiting/").size() == 2);
                String candidateKey = keys("waiting/").stream().filter(key -> !key.equals(leaderKey))
                        .findFirst().orElseThrow();

                ETCD.process().etcdctl("del", candidateKey);

                assertThat(candidate.exitCode(TIMEOUT)).isEqualTo(1);
                assertThat(candidate.errorLines()).anyMatch(line -> line.contains("KEY_DELETED"));
                assertThat(leader.isAlive()).as("the leader goes on").isTrue();
            }
        }
    }
}
