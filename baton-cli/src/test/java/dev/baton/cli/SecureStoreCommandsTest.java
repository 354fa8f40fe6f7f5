package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.CertificateFiles;
import dev.baton.testkit.EtcdProcess;
import dev.baton.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton submit} and {@code baton tasks}, run in-process, against real etcd with TLS and
 * client-certificate authentication, and with user authentication and a role limited to one
 * namespace: the happy paths, and one clear line (exit 1, no stack trace, no secret) for each
 * way a store refuses a client.
 */
class SecureStoreCommandsTest {
    @TempDir
    static Path dir;

    private static String[] args(List<String> common, String... rest) {
        List<String> all = new ArrayList<>(List.of(rest).subList(0, 1));
        all.addAll(common);
        all.addAll(List.of(rest).subList(1, rest.length));
        return all.toArray(String[]::new);
    }

    private static void assertOneLineFailure(InProcessRun run, String expected) {
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo(expected + System.lineSeparator());
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class MutualTls {
        private TestCertificates ca;
        private TestCertificates foreign;
        private EtcdProcess etcd;
        private CertificateFiles client;

        @BeforeAll
        void start() {
            ca = TestCertificates.authority("baton-ca", dir.resolve("mtls-ca"));
            foreign = TestCertificates.authority("foreign-ca", dir.resolve("mtls-foreign"));
            client = ca.issueClient("baton");
            etcd = EtcdProcess.builder().tls(ca).clientCertAuth().start();
        }

        @AfterAll
        void stop() {
            etcd.close();
        }

        private List<String> tls(Path cacert, CertificateFiles identity) {
            return List.of("--endpoints", etcd.endpoint(), "--cacert", cacert.toString(),
                    "--cert", identity.certificate().toString(), "--key", identity.privateKey().toString());
        }

        @Test
        void submitAndTasksWorkOverMutualTls() {
            InProcessRun submitted = InProcessRun.baton(args(tls(ca.caFile(), client), "submit", "--id", "secure-job", "--", "true"));
            assertThat(submitted.exitCode()).as(submitted.err()).isZero();
            assertThat(submitted.out()).isEqualTo("secure-job" + System.lineSeparator());

            InProcessRun listed = InProcessRun.baton(args(tls(ca.caFile(), client), "tasks"));

            assertThat(listed.exitCode()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("secure-job");
        }

        @Test
        void aCertificateFromAForeignCaIsRefusedByTheServer() {
            assertOneLineFailure(InProcessRun.baton(args(tls(ca.caFile(), foreign.issueClient("mallory")), "tasks")),
                    "baton tasks: the server refused the client certificate: none was given (--cert and --key), "
                            + "or it is not signed by a CA the server trusts");
        }

        @Test
        void anExpiredClientCertificateIsNamed() {
            CertificateFiles expired = ca.issueExpiredClient("baton");
            InProcessRun run = InProcessRun.baton(args(tls(ca.caFile(), expired), "tasks"));
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).startsWith("baton tasks: client certificate " + expired.certificate() + " expired on ")
                    .endsWith("; the server will refuse it" + System.lineSeparator());
        }

        @Test
        void aServerCertificateFromAnotherCaIsUntrusted() {
            assertOneLineFailure(InProcessRun.baton(args(tls(foreign.caFile(), client), "tasks")),
                    "baton tasks: untrusted server certificate: it is not signed by the CA in " + foreign.caFile());
        }

        @Test
        void httpsWithoutACaIsRefusedBeforeConnecting() {
            assertOneLineFailure(InProcessRun.baton("tasks", "--endpoints", etcd.endpoint()),
                    "baton tasks: endpoints [" + etcd.endpoint() + "] use https:// but no trusted CA file was given "
                            + "to verify the server's certificate");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class UserAuthentication {
        private EtcdProcess etcd;
        private Path alicePassword;

        @BeforeAll
        void start() throws Exception {
            etcd = EtcdProcess.start();
            etcd.enableAuth("root-secret");
            etcd.addPrefixUser("alice", "alice-secret", "team-a/");
            alicePassword = Files.writeString(dir.resolve("alice-password"), "alice-secret\n");
            Files.setPosixFilePermissions(alicePassword, PosixFilePermissions.fromString("rw-------"));
        }

        @AfterAll
        void stop() {
            etcd.close();
        }

        @Test
        void submitAndTasksWorkWithinTheRolesNamespace() {
            List<String> alice = List.of("--endpoints", etcd.endpoint(), "--namespace", "team-a", "--user", "alice",
                    "--password-file", alicePassword.toString());
            InProcessRun submitted = InProcessRun.baton(args(alice, "submit", "--id", "a-job", "--", "true"));
            assertThat(submitted.exitCode()).as(submitted.err()).isZero();

            InProcessRun listed = InProcessRun.baton(args(alice, "tasks"));

            assertThat(listed.exitCode()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("a-job");
        }

        @Test
        void aWrongPasswordIsOneLineWithoutThePassword() throws Exception {
            Path wrong = Files.writeString(dir.resolve("wrong-password"), "guessed-secret");
            Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));

            InProcessRun run = InProcessRun.baton("tasks", "--endpoints", etcd.endpoint(), "--namespace", "team-a", "--user", "alice",
                    "--password-file", wrong.toString());

            assertOneLineFailure(run, "baton tasks: authentication failed for user alice: wrong user name or password");
            assertThat(run.err()).doesNotContain("guessed-secret");
        }

        @Test
        void aNamespaceOutsideTheRoleIsPermissionDenied() {
            assertOneLineFailure(InProcessRun.baton("submit", "--endpoints", etcd.endpoint(), "--namespace", "team-b", "--user",
                    "alice", "--password-file", alicePassword.toString(), "--", "true"),
                    "baton submit: permission denied: user alice may not read or write under team-b/ (its role needs "
                            + "readwrite on that prefix; see docs/security.md)");
        }

        @Test
        void withoutAUserTheStoreAsksForOne() {
            assertOneLineFailure(InProcessRun.baton("tasks", "--endpoints", etcd.endpoint()),
                    "baton tasks: the store requires authentication: give --user NAME and --password-file FILE "
                            + "(or BATON_USER and BATON_PASSWORD)");
        }

        @Test
        void aConfigFileSuppliesTheUserAndAWarningWhenOthersCanReadItsPassword() throws Exception {
            Path config = Files.writeString(dir.resolve("baton.json"), "{\"endpoints\":\"" + etcd.endpoint()
                    + "\",\"namespace\":\"team-a\",\"user\":\"alice\",\"password\":\"alice-secret\"}");
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

            InProcessRun run = InProcessRun.baton("tasks", "--config", config.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err()).isEqualTo("baton tasks: warning: " + config + " holds a password and other users "
                    + "can read it; restrict it with: chmod 600 " + config + System.lineSeparator());
        }
    }
}
