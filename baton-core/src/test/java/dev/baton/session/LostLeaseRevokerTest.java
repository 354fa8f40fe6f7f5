package dev.baton.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A lost lease's revocation against a real etcd that the revoker reaches through a proxy. */
class LostLeaseRevokerTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** Longer than any test: only a revocation can make the lease go. */
    private static final Duration LEASE_TTL = Duration.ofSeconds(120);

    private Etcd direct;
    private TcpProxy proxy;
    private Etcd throughProxy;
    private ScheduledExecutorService timer;
    private final AtomicBoolean closed = new AtomicBoolean();

    @BeforeEach
    void connect() {
        direct = Etcd.builder().endpoints(ETCD.endpoint()).build();
        URI target = URI.create(ETCD.endpoint());
        proxy = TcpProxy.start(target.getHost(), target.getPort());
        throughProxy = Etcd.builder().endpoints(proxy.endpoint()).requestTimeout(Duration.ofMillis(500)).build();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void disconnect() {
        timer.shutdownNow();
        throughProxy.close();
        proxy.close();
        direct.close();
    }

    private long leaseWithKey(String key) throws Exception {
        long lease = direct.grantLease(LEASE_TTL).get().id();
        direct.put(key, "x".getBytes(StandardCharsets.UTF_8), lease).get();
        return lease;
    }

    private LostLeaseRevoker revoker(Duration patience) {
        return new LostLeaseRevoker(throughProxy, timer, patience, closed::get);
    }

    @Test
    void triesAgainWhileTheStoreIsUnreachableAndRevokesOnceItAnswers() throws Exception {
        long lease = leaseWithKey("revoker/unreachable");
        proxy.cut();

        CompletableFuture<Boolean> outcome = revoker(Duration.ofSeconds(60)).revoke(lease);

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !outcome.isDone());
        assertThat(direct.get("revoker/unreachable").get()).isPresent();
        proxy.heal();
        assertThat(outcome.get()).isTrue();
        assertThat(direct.get("revoker/unreachable").get()).isEmpty();
        assertThat(direct.leaseTimeToLive(lease).get()).isEqualTo(-1);
    }

    @Test
    void aLeaseAlreadyGoneCountsAsRevoked() throws Exception {
        long lease = leaseWithKey("revoker/gone");
        direct.revokeLease(lease).get();

        assertThat(revoker(Duration.ofSeconds(60)).revoke(lease).get()).isTrue();
    }

    @Test
    void givesUpOnceItsPatienceIsSpent() throws Exception {
        long lease = leaseWithKey("revoker/patience");
        proxy.cut();

        assertThat(revoker(Duration.ofSeconds(1)).revoke(lease).get()).isFalse();
        assertThat(direct.leaseTimeToLive(lease).get()).isPositive();
    }

    @Test
    void stopsOnceTheSessionIsClosed() throws Exception {
        long lease = leaseWithKey("revoker/closed");
        proxy.cut();
        CompletableFuture<Boolean> outcome = revoker(Duration.ofSeconds(60)).revoke(lease);

        closed.set(true);

        assertThat(outcome.get()).isFalse();
        proxy.heal();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> direct.get("revoker/closed").get().isPresent());
    }
}
