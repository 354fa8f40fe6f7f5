package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.server.EmbeddedEtcd;
import dev.baton.testkit.CertificateFiles;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton server} with TLS and client certificates, used by client commands; plaintext beyond loopback refused. */
class ServerTlsCommandTest {
    private static final String SERVING = "baton server: serving the etcd v3 API on ";

    @TempDir
    Path dir;

    @Test
    void plaintextOnANonLoopbackAddressIsRefusedNamingTheFlagThatForcesIt() {
        InProcessRun run = InProcessRun.baton("server", "--in-memory", "--listen", "0.0.0.0:0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("baton server: refusing to serve plain HTTP on 0.0.0.0:0, which is not a "
                + "loopback address: anyone who reaches it could read and write every key. Give --cert and --key (and "
                + "--client-ca to require client certificates), or --insecure-listen to serve it anyway."
                + System.lineSeparator());
    }

    @Test
    void aServerRequiringClientCertificatesServesSubmitAndTasksAndRefusesOthers() {
        TestCertificates ca = TestCertificates.authority("baton-ca", dir);
        CertificateFiles server = ca.issueServer("server");
        CertificateFiles client = ca.issueClient("operator");
        try (ChildJvm process = ChildJvm.builder(BatonCommand.class)
                .args("server", "--in-memory", "--listen", "127.0.0.1:0", "--cert", server.certificate().toString(),
                        "--key", server.privateKey().toString(), "--client-ca", ca.caFile().toString())
                .start()) {
            String line = process.awaitLine(l -> l.startsWith(SERVING), Duration.ofSeconds(60));
            String endpoint = line.substring(SERVING.length());
            assertThat(endpoint).startsWith("https://127.0.0.1:");

            // The child JVM's first TLS handshakes can outlast a client's 5 s budget on a loaded machine.
            await().atMost(Duration.ofSeconds(60)).until(() -> InProcessRun.baton("tasks", "--endpoints", endpoint, "--cacert",
                    ca.caFile().toString(), "--cert", client.certificate().toString(), "--key",
                    client.privateKey().toString()).exitCode() == 0);
            InProcessRun submitted = InProcessRun.baton("submit", "--endpoints", endpoint, "--cacert", ca.caFile().toString(), "--cert",
                    client.certificate().toString(), "--key", client.privateKey().toString(), "--id", "job", "--", "true");
            assertThat(submitted.exitCode()).as(submitted.err()).isZero();
            InProcessRun listed = InProcessRun.baton("tasks", "--endpoints", endpoint, "--cacert", ca.caFile().toString(), "--cert",
                    client.certificate().toString(), "--key", client.privateKey().toString());
            assertThat(listed.out()).contains("job");

            InProcessRun anonymous = InProcessRun.baton("tasks", "--endpoints", endpoint, "--cacert", ca.caFile().toString());
            assertThat(anonymous.exitCode()).isEqualTo(1);
            assertThat(anonymous.err()).isEqualTo("baton tasks: the server refused the client certificate: none was "
                    + "given (--cert and --key), or it is not signed by a CA the server trusts" + System.lineSeparator());
        }
    }

    @Test
    void anExpiredServerCertificateIsOneClearLine() {
        TestCertificates ca = TestCertificates.authority("baton-ca", dir);
        CertificateFiles expired = ca.issueExpiredServer("stale");
        try (EmbeddedEtcd server = EmbeddedEtcd.builder().inMemory().tls(expired.certificate(), expired.privateKey())
                .build().start()) {
            InProcessRun run = InProcessRun.baton("tasks", "--endpoints", server.endpoint(), "--cacert", ca.caFile().toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("baton tasks: untrusted server certificate: it has expired (TLS handshake "
                    + "with " + server.endpoint() + ")" + System.lineSeparator());
        }
    }
}
