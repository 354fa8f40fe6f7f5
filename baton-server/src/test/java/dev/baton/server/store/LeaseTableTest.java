package dev.baton.server.store;

import static dev.baton.server.store.Requests.get;
import static dev.baton.server.store.Requests.put;
import static dev.baton.server.store.Requests.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.api.LeaseGrantRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Lease grants, attachments, revocation and expiry on an injected clock. */
class LeaseTableTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(-5 * SECOND);
    private StoreState store;

    @BeforeEach
    void freshStore() {
        store = new StoreState(clock::get, new AtomicLong(100)::incrementAndGet);
    }

    private static LeaseGrantRequest grant(long ttl, long id) {
        return LeaseGrantRequest.newBuilder().setTTL(ttl).setID(id).build();
    }

    static Stream<Arguments> grants() {
        return Stream.of(
                Arguments.of("a TTL below the minimum is raised", 1L, 0L, 2L, 101L),
                Arguments.of("a negative TTL too", -5L, 0L, 2L, 101L),
                Arguments.of("a given ID is kept", 30L, 77L, 30L, 77L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grants")
    void grantsFollowEtcd(String name, long ttl, long id, long grantedTtl, long grantedId) {
        var response = store.grantLease(grant(ttl, id));
        assertThat(response.getTTL()).isEqualTo(grantedTtl);
        assertThat(response.getID()).isEqualTo(grantedId);
    }

    @Test
    void badGrantsAreRefused() {
        store.grantLease(grant(10, 5));
        assertThatThrownBy(() -> store.grantLease(grant(10, 5))).hasMessage("etcdserver: lease already exists");
        assertThatThrownBy(() -> store.grantLease(grant(9_000_000_001L, 0))).hasMessage("etcdserver: too large lease TTL");
        assertThatThrownBy(() -> store.revokeLease(6)).hasMessage("etcdserver: requested lease not found");
        assertThatThrownBy(() -> store.put(put("k", "v", 6))).hasMessage("etcdserver: requested lease not found");
    }

    @Test
    void keysFollowTheLeaseOfTheirLatestPut() {
        store.grantLease(grant(10, 5));
        store.grantLease(grant(10, 6));
        store.put(put("a", "1", 5));
        store.put(put("b", "1", 5));
        store.put(put("b", "2", 6));
        store.put(put("c", "1", 5));
        store.put(put("c", "2"));
        assertThat(store.leases().get(5).keys()).extracting(k -> k.toStringUtf8()).containsExactly("a");
        assertThat(store.leases().get(6).keys()).extracting(k -> k.toStringUtf8()).containsExactly("b");
    }

    @Test
    void revokingDeletesEveryKeyInOneRevisionInKeyOrder() {
        store.grantLease(grant(10, 5));
        store.put(put("c", "1", 5));
        store.put(put("a", "1", 5));
        store.put(put("b", "1", 5));
        assertThat(store.revokeLease(5).getHeader().getRevision()).isEqualTo(5);
        store.publish();
        assertThat(store.range(range("\0", "\0")).getCount()).isZero();
        List<String> changes = new ArrayList<>();
        store.kv().forEachChange(5, 5, c -> changes.add(c.toString()));
        assertThat(changes).containsExactly("tombstone a@5", "tombstone b@5", "tombstone c@5");
        assertThat(store.leases().get(5)).isNull();
    }

    @Test
    void revokingALeaseWithoutKeysKeepsTheRevision() {
        store.grantLease(grant(10, 5));
        assertThat(store.revokeLease(5).getHeader().getRevision()).isEqualTo(1);
    }

    @Test
    void aLeaseExpiresAfterItsTtlUnlessRenewed() {
        store.grantLease(grant(10, 5));
        clock.addAndGet(9 * SECOND);
        assertThat(store.leases().takeExpired()).isEmpty();
        assertThat(store.leases().renew(5)).isNotNull();
        clock.addAndGet(9 * SECOND);
        assertThat(store.leases().takeExpired()).isEmpty();
        assertThat(store.leases().remainingSeconds(store.leases().get(5))).isEqualTo(1);
        clock.addAndGet(SECOND);
        assertThat(store.leases().takeExpired()).extracting(Lease::id).containsExactly(5L);
        assertThat(store.leases().takeExpired()).isEmpty();
        assertThatThrownBy(() -> store.leases().renew(5)).isInstanceOf(LeaseExpiredException.class);
    }

    @Test
    void renewingAnUnknownLeaseFindsNothing() {
        assertThat(store.leases().renew(9)).isNull();
    }

    @Test
    void revocationIsReportedToWaiters() {
        store.grantLease(grant(10, 5));
        var revoked = store.leases().get(5).revoked();
        store.revokeLease(5);
        assertThat(revoked).as("before the revocation is published").isNotDone();
        store.publish();
        assertThat(revoked).isDone();
        assertThat(store.range(get("x")).getHeader().getRevision()).isEqualTo(1);
    }
}
