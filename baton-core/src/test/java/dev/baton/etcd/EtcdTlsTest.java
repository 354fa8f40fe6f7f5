package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.CertificateFiles;
import dev.baton.testkit.EtcdProcess;
import dev.baton.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import javax.net.ssl.SSLHandshakeException;

/** Connections to a real etcd that serves TLS only and requires client certificates signed by its CA. */
class EtcdTlsTest {
    @TempDir
    static Path dir;

    private static TestCertificates ca;
    private static TestCertificates foreign;
    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() {
        ca = TestCertificates.authority("baton-ca", dir.resolve("ca"));
        foreign = TestCertificates.authority("foreign-ca", dir.resolve("foreign"));
        etcd = EtcdProcess.builder().tls(ca).clientCertAuth().start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    private static Etcd.Builder trusting(TestCertificates authority) {
        return Etcd.builder().endpoints(etcd.endpoint()).trustedCa(authority.caFile());
    }

    private static Throwable failureOf(Etcd connection) {
        try {
            connection.get("k").get();
            throw new AssertionError("the request succeeded");
        } catch (ExecutionException e) {
            return Etcd.unwrap(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aClientWithACertificateOfTheTrustedCaReadsAndWrites() throws Exception {
        CertificateFiles client = ca.issueClient("alice");
        try (Etcd connection = trusting(ca).clientCertificate(client.certificate(), client.privateKey()).build()) {
            connection.put("k", "v".getBytes(StandardCharsets.UTF_8), 0).get();

            assertThat(connection.get("k").get()).hasValueSatisfying(kv -> assertThat(kv.valueUtf8()).isEqualTo("v"));
            assertThat(connection.toString()).isEqualTo("Etcd[" + etcd.endpoint() + "] tls+client-certificate");
        }
    }

    @Test
    void aClientCertificateFromAForeignCaIsRefusedByTheServer() {
        CertificateFiles stranger = foreign.issueClient("mallory");
        try (Etcd connection = trusting(ca).clientCertificate(stranger.certificate(), stranger.privateKey()).build()) {
            assertThat(handshakeFailureOf(connection)).hasMessageContaining("bad_certificate");
        }
    }

    @Test
    void withoutAClientCertificateTheServerRefuses() {
        try (Etcd connection = trusting(ca).build()) {
            assertThat(connection.toString()).isEqualTo("Etcd[" + etcd.endpoint() + "] tls");
            assertThat(handshakeFailureOf(connection)).hasMessageContaining("bad_certificate");
        }
    }

    @Test
    void aServerCertificateFromAnUntrustedCaIsRefusedByTheClient() {
        CertificateFiles client = foreign.issueClient("alice");
        try (Etcd connection = trusting(foreign).clientCertificate(client.certificate(), client.privateKey()).build()) {
            assertThat(handshakeFailureOf(connection)).hasMessageContaining("PKIX path building failed");
        }
    }

    @Test
    void anExpiredClientCertificateFailsWhenTheConnectionIsBuilt() {
        CertificateFiles expired = ca.issueExpiredClient("alice");

        assertThatThrownBy(() -> trusting(ca).clientCertificate(expired.certificate(), expired.privateKey()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("client certificate " + expired.certificate() + " expired on ")
                .hasMessageEndingWith("; the server will refuse it");
    }

    /** The TLS handshake failure at the root of a request's failure. */
    private static SSLHandshakeException handshakeFailureOf(Etcd connection) {
        for (Throwable cause = failureOf(connection); cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException handshake) {
                return handshake;
            }
        }
        throw new AssertionError("the request failed for another reason than the TLS handshake");
    }
}
