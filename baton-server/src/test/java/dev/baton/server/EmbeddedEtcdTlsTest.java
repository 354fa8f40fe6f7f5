package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.CertificateFiles;
import dev.baton.testkit.TestCertificates;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server with TLS, with required client certificates, and its refusal of plaintext beyond loopback. */
class EmbeddedEtcdTlsTest {
    @TempDir
    static Path dir;

    private static TestCertificates ca;
    private static TestCertificates foreign;
    private static CertificateFiles serverCertificate;

    @BeforeAll
    static void issueCertificates() {
        ca = TestCertificates.authority("baton-ca", dir.resolve("ca"));
        foreign = TestCertificates.authority("foreign-ca", dir.resolve("foreign"));
        serverCertificate = ca.issueServer("server");
    }

    private static EmbeddedEtcd.Builder tlsServer() {
        return EmbeddedEtcd.builder().inMemory().tls(serverCertificate.certificate(), serverCertificate.privateKey());
    }

    /** A put and a get through jetcd, trusting {@code trusted}, presenting {@code identity} when present. */
    private static String roundTrip(EmbeddedEtcd server, Path trusted, Optional<CertificateFiles> identity) throws Exception {
        SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(trusted.toFile());
        identity.ifPresent(files -> ssl.keyManager(files.certificate().toFile(), files.privateKey().toFile()));
        try (Client client = Client.builder().endpoints(server.endpoint()).sslContext(ssl.build())
                .waitForReady(false).build()) {
            ByteSequence key = ByteSequence.from("tls/k", StandardCharsets.UTF_8);
            client.getKVClient().put(key, ByteSequence.from("v", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            return client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue()
                    .toString(StandardCharsets.UTF_8);
        }
    }

    private static Throwable rootOf(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof SSLHandshakeException)) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Test
    void aTlsServerHasAnHttpsEndpointAndServesClientsThatTrustItsCa() throws Exception {
        try (EmbeddedEtcd server = tlsServer().build().start()) {
            assertThat(server.endpoint()).isEqualTo("https://127.0.0.1:" + server.port());
            assertThat(roundTrip(server, ca.caFile(), Optional.empty())).isEqualTo("v");
        }
    }

    /** An HTTP client trusting {@code trusted}, offering HTTP/2 and HTTP/1.1 as browsers and Go's client do. */
    private static HttpClient httpsClient(Path trusted) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream pem = Files.newInputStream(trusted)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(context)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void aTlsServerServesHttpOnTheSamePortToClientsThatOfferHttp1() throws Exception {
        try (EmbeddedEtcd server = tlsServer().build().start()) {
            HttpResponse<String> health = httpsClient(ca.caFile()).send(HttpRequest.newBuilder(
                    URI.create(server.endpoint() + "/health")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println("GET " + server.endpoint() + "/health over " + health.version() + ": " + health.body());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(health.body()).isEqualTo("{\"health\":\"true\"}");
            assertThat(roundTrip(server, ca.caFile(), Optional.empty())).isEqualTo("v");
        }
    }

    @Test
    void withAClientCaOnlyClientsWithACertificateItSignedGetIn() throws Exception {
        try (EmbeddedEtcd server = tlsServer().clientCa(ca.caFile()).build().start()) {
            assertThat(roundTrip(server, ca.caFile(), Optional.of(ca.issueClient("alice")))).isEqualTo("v");

            assertThatThrownBy(() -> roundTrip(server, ca.caFile(), Optional.empty()))
                    .satisfies(error -> assertThat(rootOf(error)).isInstanceOf(SSLHandshakeException.class));
            // The client offers no certificate the server's CA list names, so the server finds none.
            assertThatThrownBy(() -> roundTrip(server, ca.caFile(), Optional.of(foreign.issueClient("mallory"))))
                    .satisfies(error -> assertThat(rootOf(error)).isInstanceOf(SSLHandshakeException.class)
                            .hasMessageContaining("certificate_required"));
        }
    }

    @Test
    void withAuthEnabledAClientCertificateNamesItsUser() throws Exception {
        try (EmbeddedEtcd server = tlsServer().clientCa(ca.caFile()).build().start()) {
            CertificateFiles root = ca.issueClient("root");
            SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(ca.caFile().toFile())
                    .keyManager(root.certificate().toFile(), root.privateKey().toFile());
            try (Client admin = Client.builder().endpoints(server.endpoint()).sslContext(ssl.build()).build()) {
                var auth = admin.getAuthClient();
                auth.userAdd(bytes("root"), bytes("rootpw")).get(10, TimeUnit.SECONDS);
                auth.userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
                auth.userAdd(bytes("alice"), bytes("alicepw")).get(10, TimeUnit.SECONDS);
                auth.roleAdd(bytes("tls")).get(10, TimeUnit.SECONDS);
                auth.roleGrantPermission(bytes("tls"), bytes("tls/"), bytes("tls0"), Permission.Type.READWRITE)
                        .get(10, TimeUnit.SECONDS);
                auth.userGrantRole(bytes("alice"), bytes("tls")).get(10, TimeUnit.SECONDS);
                auth.authEnable().get(10, TimeUnit.SECONDS);
            }
            assertThat(roundTrip(server, ca.caFile(), Optional.of(ca.issueClient("alice")))).isEqualTo("v");
            assertThatThrownBy(() -> roundTrip(server, ca.caFile(), Optional.of(ca.issueClient("bob"))))
                    .hasStackTraceContaining("etcdserver: permission denied");
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Test
    void anExpiredServerCertificateIsRefusedByClients() {
        CertificateFiles expired = ca.issueExpiredServer("stale");
        try (EmbeddedEtcd server = EmbeddedEtcd.builder().inMemory().tls(expired.certificate(), expired.privateKey())
                .build().start()) {
            assertThatThrownBy(() -> roundTrip(server, ca.caFile(), Optional.empty()))
                    .hasStackTraceContaining(CertificateExpiredException.class.getName());
        }
    }

    @Test
    void unusableFilesFailTheStartNamingTheFile() {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> EmbeddedEtcd.builder().inMemory().tls(missing, serverCertificate.privateKey())
                .build().start())
                .isInstanceOf(StartupException.class)
                .hasMessage("certificate " + missing + " does not exist or is not a regular file");
        assertThatThrownBy(() -> tlsServer().clientCa(missing).build().start())
                .isInstanceOf(StartupException.class)
                .hasMessage("client CA file " + missing + " does not exist or is not a regular file");
    }

    @Test
    void plaintextBeyondLoopbackIsRefusedUnlessForced() {
        assertThatThrownBy(() -> EmbeddedEtcd.builder().inMemory().listen("0.0.0.0", 0).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("refusing to serve plain HTTP on 0.0.0.0, which is not a loopback address");
        assertThatThrownBy(() -> EmbeddedEtcd.builder().inMemory().clientCa(ca.caFile()).build())
                .hasMessageContaining("needs TLS");

        EmbeddedEtcd.builder().inMemory().listen("0.0.0.0", 0).insecureListen().build().close();
        tlsServer().listen("0.0.0.0", 0).build().close();
        EmbeddedEtcd.builder().inMemory().listen("localhost", 0).build().close();
        assertThat(EmbeddedEtcd.isLoopback("127.0.0.2")).isTrue();
        assertThat(EmbeddedEtcd.isLoopback("::1")).isTrue();
        assertThat(EmbeddedEtcd.isLoopback("0.0.0.0")).isFalse();
    }
}
