package dev.baton.spring.boot;

import dev.baton.session.Session;
import dev.baton.session.SessionState;
import dev.baton.tasks.TaskMember;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Baton's meters in the application's {@link MeterRegistry}, all gauges read when the registry is
 * scraped, so nothing in Baton's own threads waits on the registry:
 *
 * <ul>
 *   <li>{@code baton.session.state}, tag {@code state}: 1 for the session's current state, 0 for
 *       the others; one gauge per {@link SessionState}, registered up front.
 *   <li>{@code baton.election.leader}, tag {@code election}: 1 while this instance leads the
 *       election, 0 otherwise; one per election the application campaigns in ({@link Campaigns}).
 *   <li>{@code baton.tasks.held}: the tasks the application's task member holds; only with a
 *       task member, and no value while it is not running.
 * </ul>
 */
public final class BatonMetrics implements MeterBinder {
    private final Session session;
    private final Campaigns campaigns;
    private final TaskMemberLifecycle member;

    /**
     * @param session the member's session
     * @param campaigns the elections the application campaigns in
     * @param member the application's task member, or null without one
     */
    public BatonMetrics(Session session, Campaigns campaigns, TaskMemberLifecycle member) {
        this.session = session;
        this.campaigns = campaigns;
        this.member = member;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (SessionState state : SessionState.values()) {
            Gauge.builder("baton.session.state", session, s -> s.state() == state ? 1 : 0)
                    .tag("state", state.name())
                    .description("1 for the state the member's session is in, 0 for the others")
                    .register(registry);
        }
        for (String name : campaigns.names()) {
            Gauge.builder("baton.election.leader", campaigns, c -> c.leads(name) ? 1 : 0)
                    .tag("election", name)
                    .description("1 while this instance leads the election, 0 otherwise")
                    .register(registry);
        }
        if (member != null) {
            Gauge.builder("baton.tasks.held", member, BatonMetrics::held)
                    .baseUnit("tasks")
                    .description("The tasks the application's task member holds")
                    .register(registry);
        }
    }

    private static double held(TaskMemberLifecycle lifecycle) {
        return lifecycle.member().map(TaskMember::status).map(status -> (double) status.tasks().size())
                .orElse(Double.NaN);
    }
}
