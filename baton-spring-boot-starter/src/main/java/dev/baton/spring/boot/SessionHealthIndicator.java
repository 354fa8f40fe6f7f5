package dev.baton.spring.boot;

import dev.baton.session.SessionState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code baton} health: UP while the session holds its lease (CONNECTED, or SUSPENDED before
 * its deadline, when what it owns is still valid), DOWN once it is LOST or CLOSED. Details: the
 * state, the lease in hexadecimal (as {@code etcdctl lease list} shows it) and its TTL, the task
 * member's id while it runs, and for each election the application campaigns in whether this
 * instance leads it. Nothing here reads the store: a health check answers at once, even with etcd
 * out of reach.
 */
public final class SessionHealthIndicator implements HealthIndicator {
    private final BatonInstance instance;

    public SessionHealthIndicator(BatonInstance instance) {
        this.instance = instance;
    }

    @Override
    public Health health() {
        SessionState state = instance.session().state();
        Health.Builder health = state == SessionState.CONNECTED || state == SessionState.SUSPENDED
                ? Health.up() : Health.down();
        health.withDetail("state", state.name())
                .withDetail("lease", instance.lease())
                .withDetail("ttl", instance.session().ttl().toString());
        instance.memberId().ifPresent(id -> health.withDetail("member", id));
        Map<String, Boolean> leader = new LinkedHashMap<>();
        Campaigns campaigns = instance.campaigns();
        campaigns.names().forEach(name -> leader.put(name, campaigns.leads(name)));
        if (!leader.isEmpty()) {
            health.withDetail("leader", leader);
        }
        return health.build();
    }
}
