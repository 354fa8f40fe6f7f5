package dev.baton.spring.boot;

import dev.baton.election.LeaderService;
import dev.baton.spring.LeaderOnlyMethods;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The elections the application campaigns in, by name, as the health, the endpoint and the meters
 * show them: each election a {@code @LeaderOnly} method names, and each {@link LeaderService.Builder}
 * bean under its bean name (a bean named like a {@code @LeaderOnly} election is shown as that
 * election). The names are read on each call, since {@code @LeaderOnly} methods are found as their
 * beans are created; the running services exist only while the context is started.
 */
public final class Campaigns {
    private final LeaderOnlyMethods leaderOnly;
    private final LeaderServicesLifecycle services;

    /**
     * @param leaderOnly the campaigns of {@code @LeaderOnly} methods, or null without them
     * @param services the application's leader services, or null without them
     */
    public Campaigns(LeaderOnlyMethods leaderOnly, LeaderServicesLifecycle services) {
        this.leaderOnly = leaderOnly;
        this.services = services;
    }

    /** Every election's name, in order. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        if (leaderOnly != null) {
            names.addAll(leaderOnly.electionNames());
        }
        if (services != null) {
            names.addAll(services.names());
        }
        return names;
    }

    /** The service campaigning in election {@code name}, while the context is started. */
    public Optional<LeaderService> running(String name) {
        if (leaderOnly != null && leaderOnly.electionNames().contains(name)) {
            return leaderOnly.election(name);
        }
        return services == null ? Optional.empty() : Optional.ofNullable(services.services().get(name));
    }

    /** True while this instance leads election {@code name}. */
    public boolean leads(String name) {
        return running(name).filter(LeaderService::isLeader).isPresent();
    }
}
