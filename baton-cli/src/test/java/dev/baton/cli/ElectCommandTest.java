package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code baton elect} and {@code etcdctl elect} see the same election. */
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
}
