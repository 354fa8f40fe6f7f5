package dev.baton.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.RecordingWatch;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class SessionTest {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTest.class);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private Etcd direct;

    @BeforeEach
    void connect() {
        direct = Etcd.builder().endpoints(ETCD.endpoint()).build();
    }

    @AfterEach
    void disconnect() {
        direct.close();
    }

    private static TcpProxy proxy() {
        URI target = URI.create(ETCD.endpoint());
        return TcpProxy.start(target.getHost(), target.getPort());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsItsKeyAliveForFiveTtlsAndCloseRemovesItAtOnce() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            Session session = Session.builder(etcd).ttl(Duration.ofSeconds(2)).open();
            SessionStates states = new SessionStates();
            session.addListener(states);
            direct.put("members/alive", utf8("x"), session.lease()).get();

            await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15))
                    .until(() -> direct.get("members/alive").get().isPresent() && session.isValid());

            session.close();
            assertThat(direct.get("members/alive").get()).isEmpty();
            assertThat(direct.leaseTimeToLive(session.lease()).get()).isEqualTo(-1);
            await().until(() -> states.saw(SessionState.CLOSED));
            assertThat(states.states()).containsExactly(SessionState.CONNECTED, SessionState.CLOSED);
            assertThat(states.changes).allMatch(change -> change.thread().startsWith("baton-callback-"));
            session.close();
        }
    }

    @Test
    void cutFromTheStoreItIsSuspendedThenLostBeforeEtcdExpiresTheLease() throws Exception {
        try (TcpProxy proxy = proxy(); Etcd etcd = Etcd.builder().endpoints(proxy.endpoint()).build()) {
            Session session = Session.builder(etcd).ttl(Duration.ofSeconds(3)).open();
            SessionStates states = new SessionStates();
            session.addListener(states);
            long lease = session.lease();
            long keyCreated = direct.put("members/cut", utf8("x"), lease).get();
            RecordingWatch deletion = RecordingWatch.start(direct, KeyRange.key("members/cut"), keyCreated + 1);

            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> states.saw(SessionState.LOST));
            await().atMost(Duration.ofSeconds(10)).until(() -> deletion.firstEventNanos() != 0);

            long lostAt = states.firstAt.get(SessionState.LOST);
            long expiredAt = deletion.firstEventNanos();
            LOG.info("ttl 3 s: LOST reported {} ms before etcd expired the lease",
                    TimeUnit.NANOSECONDS.toMillis(expiredAt - lostAt));
            assertThat(states.states()).startsWith(SessionState.CONNECTED, SessionState.SUSPENDED, SessionState.LOST);
            assertThat(lostAt).isLessThan(expiredAt);
            assertThat(states.changes.get(2).lease()).isEqualTo(lease);
            deletion.close();
            session.close();
        }
    }

    @Test
    void healedBeforeTheDeadlineItReturnsToConnectedWithTheSameLease() throws Exception {
        try (TcpProxy proxy = proxy(); Etcd etcd = Etcd.builder().endpoints(proxy.endpoint()).build()) {
            // A long TTL leaves gRPC's reconnect backoff, grown while the proxy reset every
            // connection, well inside the deadline on a loaded machine.
            Session session = Session.builder(etcd).ttl(Duration.ofSeconds(15)).open();
            SessionStates states = new SessionStates();
            session.addListener(states);
            long lease = session.lease();

            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> states.saw(SessionState.SUSPENDED));
            proxy.heal();
            await().atMost(Duration.ofSeconds(10)).until(() -> session.state() == SessionState.CONNECTED);

            assertThat(session.lease()).isEqualTo(lease);
            assertThat(states.saw(SessionState.LOST)).isFalse();
            assertThat(direct.leaseTimeToLive(lease).get()).isPositive();
            session.close();
        }
    }

    @Test
    void afterALossTheSessionRenewsWithANewLease() throws Exception {
        try (TcpProxy proxy = proxy(); Etcd etcd = Etcd.builder().endpoints(proxy.endpoint()).build()) {
            Session session = Session.builder(etcd).ttl(Duration.ofSeconds(2)).open();
            SessionStates states = new SessionStates();
            session.addListener(states);
            long lost = session.lease();

            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> states.saw(SessionState.LOST));
            assertThat(session.isValid()).isFalse();
            proxy.heal();
            await().atMost(Duration.ofSeconds(15)).until(() -> session.state() == SessionState.CONNECTED && session.lease() != lost);

            assertThat(session.isValid()).isTrue();
            assertThat(direct.leaseTimeToLive(session.lease()).get()).isPositive();
            session.close();
        }
    }

    @Test
    void aLostLeaseTheStoreStillHoldsIsRevokedOnceANewOneIsGranted() throws Exception {
        // As after an etcd leader change, which extends every lease: the store keeps the lost lease
        // (here a second connection renews it), so only the session's revocation ends it.
        try (TcpProxy proxy = proxy();
             Etcd etcd = Etcd.builder().endpoints(proxy.endpoint()).requestTimeout(Duration.ofSeconds(1)).build()) {
            Session session = Session.builder(etcd).ttl(Duration.ofSeconds(2)).open();
            SessionStates states = new SessionStates();
            session.addListener(states);
            long lost = session.lease();
            direct.put("members/lost", utf8("x"), lost).get();
            ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
            try {
                renewer.scheduleAtFixedRate(() -> direct.keepAliveOnce(lost), 0, 300, TimeUnit.MILLISECONDS);
                proxy.cut();
                await().atMost(Duration.ofSeconds(10)).until(() -> states.saw(SessionState.LOST));
                // Past the request timeout, the revocation sent at the loss has failed for good.
                Thread.sleep(2_000);
                assertThat(direct.get("members/lost").get()).isPresent();
                proxy.heal();

                await().atMost(Duration.ofSeconds(15))
                        .until(() -> session.state() == SessionState.CONNECTED && session.lease() != lost);
                await().atMost(Duration.ofSeconds(5)).until(() -> direct.get("members/lost").get().isEmpty());
                assertThat(direct.leaseTimeToLive(lost).get()).isEqualTo(-1);
            } finally {
                renewer.shutdownNow();
            }
            session.close();
        }
    }

    @Test
    void anUnreachableStoreFailsTheOpenNamingTheEndpoints() {
        try (Etcd etcd = Etcd.builder().endpoints("127.0.0.1:1").requestTimeout(Duration.ofMillis(500)).build()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> Session.builder(etcd).openTimeout(Duration.ofSeconds(1)).open())
                    .isInstanceOf(SessionOpenException.class)
                    .hasMessageContaining("http://127.0.0.1:1")
                    .hasMessageContaining("PT1S");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void badSettingsAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> Session.builder(direct).ttl(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT1S");
        assertThatThrownBy(() -> Session.builder(direct).ttl(Duration.ofMillis(2500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT2.5S");
        assertThatThrownBy(() -> Session.builder(direct).margin(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> Session.builder(direct).ttl(Duration.ofSeconds(3)).margin(Duration.ofSeconds(2)).open())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT2S");
        assertThatThrownBy(() -> Etcd.builder().endpoints(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\" \"");
        assertThatThrownBy(() -> Etcd.builder().endpoints("localhost:port"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("localhost:port");
    }

    @Test
    void aDeletedLeaseIsLostAtTheNextKeepAlive() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            Session session = Session.builder(etcd).ttl(Duration.ofSeconds(3)).open();
            SessionStates states = new SessionStates();
            session.addListener(states);
            long lease = session.lease();

            direct.revokeLease(lease).get();

            await().atMost(Duration.ofSeconds(5)).until(() -> states.saw(SessionState.LOST));
            assertThat(states.changes.stream().filter(c -> c.state() == SessionState.LOST).findFirst().orElseThrow().lease())
                    .isEqualTo(lease);
            session.close();
        }
    }
}
