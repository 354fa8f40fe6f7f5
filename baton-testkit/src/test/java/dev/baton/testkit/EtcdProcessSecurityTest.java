package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd started with TLS, client-certificate authentication and user authentication. */
class EtcdProcessSecurityTest {
    @TempDir
    Path dir;

    @Test
    void aTlsMemberServesHttpsWithAServerCertificateFromTheAuthority() {
        TestCertificates ca = TestCertificates.authority("test-ca", dir);
        try (EtcdProcess etcd = EtcdProcess.builder().tls(ca).start()) {
            assertThat(etcd.endpoint()).isEqualTo("https://127.0.0.1:" + etcd.clientPort());
            assertThat(etcd.isHealthy()).isTrue();

            etcd.etcdctl("put", "k", "v");

            assertThat(etcd.etcdctl("get", "k", "--print-value-only").trim()).isEqualTo("v");
            assertThatThrownBy(() -> Etcdctl.run(etcd.endpoint(), "--dial-timeout=1s", "get", "k"))
                    .as("a client that does not trust the authority").hasMessageContaining("exited with 1");
        }
    }

    @Test
    void withClientCertAuthAClientWithoutACertificateOfTheAuthorityIsRefused() {
        TestCertificates ca = TestCertificates.authority("test-ca", dir.resolve("ca"));
        TestCertificates foreign = TestCertificates.authority("foreign-ca", dir.resolve("foreign"));
        CertificateFiles stranger = foreign.issueClient("stranger");
        try (EtcdProcess etcd = EtcdProcess.builder().tls(ca).clientCertAuth().start()) {
            etcd.etcdctl("put", "k", "v");

            assertThatThrownBy(() -> Etcdctl.run(etcd.endpoint(), "--cacert=" + ca.caFile(),
                    "--cert=" + stranger.certificate(), "--key=" + stranger.privateKey(), "--dial-timeout=1s", "get", "k"))
                    .hasMessageContaining("exited with 1");
        }
    }

    @Test
    void aPrefixUserReadsAndWritesItsPrefixOnly() {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            etcd.enableAuth("root-secret");
            etcd.addPrefixUser("alice", "alice-secret", "a/");

            Etcdctl.run(etcd.endpoint(), "--user=alice:alice-secret", "put", "a/k", "v");

            assertThat(etcd.etcdctl("get", "a/k", "--print-value-only").trim()).isEqualTo("v");
            assertThatThrownBy(() -> Etcdctl.run(etcd.endpoint(), "--user=alice:alice-secret", "put", "b/k", "v"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> Etcdctl.run(etcd.endpoint(), "get", "a/k"))
                    .hasMessageContaining("user name is empty");
        }
    }
}
