package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code baton lock NAME -- COMMAND}: the command runs under the lock, and stops when the lock is lost. */
class LockCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** A command that prints {@code started}, then loops until SIGTERM, when it prints {@code terminated}. */
    private static final String UNTIL_TERM = "trap 'echo terminated; exit 0' TERM; echo started; while :; do sleep 0.1; done";

    private static String name(TestInfo test) {
        return "cli-lock/" + test.getTestMethod().orElseThrow().getName();
    }

    private static ChildJvm lock(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "lock";
        all[1] = "--endpoints";
        all[2] = ETCD.endpoint();
        System.arraycopy(args, 0, all, 3, args.length);
        return ChildJvm.builder(BatonCommand.class).args(all).start();
    }

    private static String keys(String name) {
        return ETCD.process().etcdctl("get", "--prefix", "--keys-only", name + "/").trim();
    }

    @Test
    void theCommandSeesTheTokenAndKeyAndItsStatusIsTheExitStatus(TestInfo test) {
        String name = name(test);
        try (ChildJvm baton = lock(name, "--", "sh", "-c", "echo \"token=$BATON_LOCK_TOKEN key=$BATON_LOCK_KEY\"; exit 7")) {
            String line = baton.awaitLine("^token=", TIMEOUT);

            assertThat(line).matches("token=\\d+ key=" + name + "/[0-9a-f]+");
            assertThat(baton.exitCode(TIMEOUT)).isEqualTo(7);
            assertThat(keys(name)).isEmpty();
        }
    }

    @Test
    void theCommandWaitsWhileEtcdctlHoldsTheLock(TestInfo test) throws Exception {
        String name = name(test);
        Process etcdctl = ETCD.process().etcdctlProcess("lock", name);
        try (ChildJvm baton = lock(name, "--", "echo", "ran")) {
            Awaitility.await().atMost(TIMEOUT).until(() -> keys(name).lines().filter(l -> !l.isBlank()).count() == 2);
            assertThat(baton.lines()).doesNotContain("ran");

            etcdctl.destroy();

            baton.awaitLine("^ran$", TIMEOUT);
            assertThat(baton.exitCode(TIMEOUT)).isZero();
        } finally {
            etcdctl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLostLockStopsTheCommandWithSigtermAndExitsWith75(TestInfo test) {
        String name = name(test);
        try (ChildJvm baton = lock(name, "--", "sh", "-c", UNTIL_TERM)) {
            baton.awaitLine("^started$", TIMEOUT);

            ETCD.process().etcdctl("del", "--prefix", name + "/");

            baton.awaitLine("^terminated$", TIMEOUT);
            assertThat(baton.exitCode(TIMEOUT)).isEqualTo(CommandUnderLock.LOST_STATUS);
            assertThat(String.join("\n", baton.errorLines())).contains("lost (KEY_DELETED)");
        }
    }

    @Test
    void aCommandWhoseSessionIsCutOffFromTheStoreIsStoppedWhenTheSessionIsLost(TestInfo test) {
        String name = name(test);
        URI target = URI.create(ETCD.endpoint());
        try (TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
             ChildJvm baton = ChildJvm.builder(BatonCommand.class)
                     .args("lock", "--endpoints", proxy.endpoint(), name, "--", "sh", "-c", UNTIL_TERM).start()) {
            baton.awaitLine("^started$", TIMEOUT);

            proxy.cut();

            baton.awaitLine("^terminated$", TIMEOUT);
            assertThat(baton.exitCode(TIMEOUT)).isEqualTo(CommandUnderLock.LOST_STATUS);
            assertThat(String.join("\n", baton.errorLines())).contains("lost (SESSION_LOST)");
        }
    }

    @Test
    void aCommandThatIgnoresSigtermIsKilledAfterTheGracePeriod(TestInfo test) {
        String name = name(test);
        try (ChildJvm baton = lock("--grace", "1s", name, "--", "sh", "-c", "trap '' TERM; echo started; while :; do sleep 0.1; done")) {
            baton.awaitLine("^started$", TIMEOUT);

            ETCD.process().etcdctl("del", "--prefix", name + "/");

            assertThat(baton.exitCode(TIMEOUT)).isEqualTo(CommandUnderLock.LOST_STATUS);
            assertThat(String.join("\n", baton.errorLines())).contains("SIGKILL");
        }
    }

    @Test
    void anEmptyOrSlashEndingNameIsBadUsage() {
        assertThat(InProcessRun.baton("lock", "--endpoints", ETCD.endpoint(), "", "--", "true").exitCode()).isEqualTo(2);
        InProcessRun slash = InProcessRun.baton("lock", "--endpoints", ETCD.endpoint(), "jobs/", "--", "true");
        assertThat(slash.exitCode()).isEqualTo(2);
        assertThat(slash.err()).contains("\"jobs/\"");
    }
}
