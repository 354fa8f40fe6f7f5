package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.session.Session;
import dev.baton.session.SessionState;
import dev.baton.testkit.CertificateFiles;
import dev.baton.testkit.EtcdProcess;
import dev.baton.testkit.TestCertificates;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code baton.tls.*} against an etcd that serves TLS only and requires client certificates. */
class BatonTlsPropertiesTest {
    @TempDir
    static Path dir;

    static TestCertificates ca;
    static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() {
        ca = TestCertificates.authority("baton-ca", dir.resolve("ca"));
        etcd = EtcdProcess.builder().tls(ca).clientCertAuth().start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    ApplicationContextRunner application() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + etcd.endpoint(), "baton.tls.trusted-ca=" + ca.caFile());
    }

    @Test
    void aClientCertificateFromThePropertiesGetsTheSessionIn() {
        CertificateFiles client = ca.issueClient("orders");
        application().withPropertyValues("baton.tls.client-certificate=" + client.certificate(),
                        "baton.tls.client-key=" + client.privateKey())
                .run(context -> assertThat(context.getBean(Session.class).state()).isEqualTo(SessionState.CONNECTED));
    }

    @Test
    void aCertificateWithoutItsKeyIsRefusedNamingBothProperties() {
        CertificateFiles client = ca.issueClient("orders");
        application().withPropertyValues("baton.tls.client-certificate=" + client.certificate())
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("baton.tls.client-certificate and baton.tls.client-key go together"));
    }
}
