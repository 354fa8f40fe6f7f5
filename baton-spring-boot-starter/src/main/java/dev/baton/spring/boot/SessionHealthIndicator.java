package dev.baton.spring.boot;

import dev.baton.session.Session;
import dev.baton.session.SessionState;
import dev.baton.tasks.TaskMember;
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
    private final Session session;
    private final Campaigns campaigns;
    private final TaskMemberLifecycle member;

    /**
     * @param session the member's session
     * @param campaigns the elections the application campaigns in
     * @param member the application's task member, or null without one
     */
    public SessionHealthIndicator(Session session, Campaigns campaigns, TaskMemberLifecycle member) {
        this.session = session;
        this.campaigns = campaigns;
        this.member = member;
    }

    @Override
    public Health health() {
        SessionState state = session.state();
        Health.Builder health = state == SessionState.CONNECTED || state == SessionState.SUSPENDED
                ? Health.up() : Health.down();
        health.withDetail("state", state.name())
                .withDetail("lease", Long.toHexString(session.lease()))
                .withDetail("ttl", session.ttl().toString());
        if (member != null) {
            member.member().map(TaskMember::id).ifPresent(id -> health.withDetail("member", id));
        }
        Map<String, Boolean> leader = new LinkedHashMap<>();
        campaigns.names().forEach(name -> leader.put(name, campaigns.leads(name)));
        if (!leader.isEmpty()) {
            health.withDetail("leader", leader);
        }
        return health.build();
    }
}
