package dev.baton.spring.boot;

import dev.baton.cache.CacheState;
import dev.baton.cache.KeyspaceCache;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import dev.baton.tasks.TaskMember;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.function.Supplier;

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
 *   <li>For each {@link KeyspaceCache} bean, tag {@code cache} (the bean's name):
 *       {@code baton.cache.state} with tag {@code state}, one gauge per {@link CacheState} as for
 *       the session; {@code baton.cache.entries}, its decoded entries;
 *       {@code baton.cache.decode.errors}, its keys whose value does not decode; and
 *       {@code baton.cache.events.pending}, the events queued for its listeners.
 * </ul>
 */
public final class BatonMetrics implements MeterBinder {
    private final BatonInstance instance;
    private final Supplier<Map<String, KeyspaceCache<?>>> caches;

    /**
     * @param instance the application's session, elections and task member
     * @param caches the application's caches by bean name, looked up when the meters are bound
     */
    public BatonMetrics(BatonInstance instance, Supplier<Map<String, KeyspaceCache<?>>> caches) {
        this.instance = instance;
        this.caches = caches;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Session session = instance.session();
        stateGauges(registry, "baton.session.state", Tags.empty(), SessionState.values(), session::state,
                "1 for the state the member's session is in, 0 for the others");
        Campaigns campaigns = instance.campaigns();
        for (String name : campaigns.names()) {
            Gauge.builder("baton.election.leader", campaigns, c -> c.leads(name) ? 1 : 0)
                    .tag("election", name)
                    .description("1 while this instance leads the election, 0 otherwise")
                    .register(registry);
        }
        if (instance.member() != null) {
            Gauge.builder("baton.tasks.held", instance.member(), BatonMetrics::held)
                    .baseUnit("tasks")
                    .description("The tasks the application's task member holds")
                    .register(registry);
        }
        caches.get().forEach((name, cache) -> bindCache(registry, name, cache));
    }

    private static void bindCache(MeterRegistry registry, String name, KeyspaceCache<?> cache) {
        Tags tags = Tags.of("cache", name);
        stateGauges(registry, "baton.cache.state", tags, CacheState.values(), cache::state,
                "1 for the state the cache is in, 0 for the others");
        Gauge.builder("baton.cache.entries", cache, c -> c.snapshot().size())
                .tags(tags).baseUnit("entries")
                .description("The cache's decoded entries")
                .register(registry);
        Gauge.builder("baton.cache.decode.errors", cache, c -> c.decodeErrors().size())
                .tags(tags)
                .description("The keys under the cache's prefix whose value does not decode")
                .register(registry);
        Gauge.builder("baton.cache.events.pending", cache, KeyspaceCache::pendingEvents)
                .tags(tags)
                .description("The cache's events queued for its listeners and not delivered yet")
                .register(registry);
    }

    /** One gauge per state, all registered up front, so an alert on a state has a series before it first happens. */
    private static <S extends Enum<S>> void stateGauges(MeterRegistry registry, String name, Tags tags, S[] states,
            Supplier<S> current, String description) {
        for (S state : states) {
            Gauge.builder(name, current, c -> c.get() == state ? 1 : 0)
                    .tags(tags).tag("state", state.name())
                    .description(description)
                    .strongReference(true)
                    .register(registry);
        }
    }

    private static double held(TaskMemberLifecycle lifecycle) {
        return lifecycle.member().map(TaskMember::status).map(status -> (double) status.tasks().size())
                .orElse(Double.NaN);
    }
}
