package dev.baton.spring.boot;

import dev.baton.session.Session;
import dev.baton.session.SessionState;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code baton} health: UP while the session holds its lease (CONNECTED, or SUSPENDED before
 * its deadline, when what it owns is still valid), DOWN once it is LOST or CLOSED. Details: the
 * state, the lease in hexadecimal (as {@code etcdctl lease list} shows it) and its TTL.
 */
public final class SessionHealthIndicator implements HealthIndicator {
    private final Session session;

    public SessionHealthIndicator(Session session) {
        this.session = session;
    }

    @Override
    public Health health() {
        SessionState state = session.state();
        Health.Builder health = state == SessionState.CONNECTED || state == SessionState.SUSPENDED
                ? Health.up() : Health.down();
        return health.withDetail("state", state.name())
                .withDetail("lease", Long.toHexString(session.lease()))
                .withDetail("ttl", session.ttl().toString())
                .build();
    }
}
