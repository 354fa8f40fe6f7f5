package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.CertificateFiles;
import dev.baton.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the builder refuses before any connection is made, and what it never shows. */
class EtcdSecurityBuilderTest {
    @TempDir
    Path dir;

    @Test
    void httpsEndpointsWithoutATrustedCaAreRefused() {
        assertThatThrownBy(() -> Etcd.builder().endpoints("https://127.0.0.1:2379").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoints [https://127.0.0.1:2379] use https:// but no trusted CA file was given to verify "
                        + "the server's certificate");
    }

    @Test
    void aTrustedCaWithHttpEndpointsIsRefused() {
        TestCertificates ca = TestCertificates.authority("ca", dir);

        assertThatThrownBy(() -> Etcd.builder().endpoints("127.0.0.1:2379").trustedCa(ca.caFile()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use plain http://; write them as https://host:port");
    }

    @Test
    void mixedSchemesAreRefused() {
        assertThatThrownBy(() -> Etcd.builder().endpoints("https://a:1", "http://b:2").build())
                .hasMessageContaining("mix http:// and https://");
    }

    @Test
    void aClientCertificateWithoutTlsIsRefused() {
        CertificateFiles client = TestCertificates.authority("ca", dir).issueClient("alice");

        assertThatThrownBy(() -> Etcd.builder().clientCertificate(client.certificate(), client.privateKey()).build())
                .hasMessageContaining("needs TLS");
    }

    @Test
    void missingUnreadableAndMalformedFilesAreNamed() throws Exception {
        TestCertificates ca = TestCertificates.authority("ca", dir);
        CertificateFiles client = ca.issueClient("alice");
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        Etcd.Builder https = Etcd.builder().endpoints("https://127.0.0.1:2379");

        assertThatThrownBy(() -> https.trustedCa(missing).build())
                .hasMessage("CA file " + missing + " does not exist");
        assertThatThrownBy(() -> https.trustedCa(dir).build())
                .hasMessage("CA file " + dir + " is not a regular file");
        assertThatThrownBy(() -> https.trustedCa(notPem).build())
                .hasMessageStartingWith("CA file " + notPem + " ");
        assertThatThrownBy(() -> https.trustedCa(ca.caFile()).clientCertificate(client.certificate(), missing).build())
                .hasMessage("private key " + missing + " does not exist");
        assertThatThrownBy(() -> https.trustedCa(ca.caFile()).clientCertificate(client.certificate(), notPem).build())
                .hasMessageStartingWith("cannot read the private key " + notPem + ": expected an unencrypted PEM PKCS#8 key");
        if (!"root".equals(System.getProperty("user.name"))) {
            Files.setPosixFilePermissions(client.privateKey(), PosixFilePermissions.fromString("---------"));
            assertThatThrownBy(() -> https.trustedCa(ca.caFile()).clientCertificate(client.certificate(),
                    client.privateKey()).build())
                    .hasMessage("private key " + client.privateKey() + " is not readable by this user");
        }
    }

    @Test
    void credentialsAreValidatedAndThePasswordIsNeverShown() {
        assertThatThrownBy(() -> Etcd.builder().credentials(" ", "pw")).hasMessageContaining("user must not be blank");
        assertThatThrownBy(() -> Etcd.builder().credentials("alice", "")).hasMessageContaining("must not be empty");

        try (Etcd etcd = Etcd.builder().endpoints("127.0.0.1:1").credentials("alice", "hunter2-secret").build()) {
            assertThat(etcd.toString()).isEqualTo("Etcd[http://127.0.0.1:1] user=alice").doesNotContain("hunter2");
        }
    }
}
