package dev.baton.spring.boot;

import dev.baton.election.LeaderService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the application's {@link LeaderService.Builder} beans: each service starts campaigning as
 * the context starts, in the last phase, and is closed in the first phase as the context closes —
 * a leader resigns, so another instance leads at once — while the session is still open; the
 * session closes later, when the context destroys its beans.
 */
public final class LeaderServicesLifecycle implements SmartLifecycle, DisposableBean {
    private final Map<String, LeaderService.Builder> builders;
    private volatile Map<String, LeaderService> running = Map.of();

    /** @param builders the services to run, by bean name */
    public LeaderServicesLifecycle(Map<String, LeaderService.Builder> builders) {
        this.builders = Map.copyOf(builders);
    }

    /** The names of the builder beans, whether or not the services run. */
    public Set<String> names() {
        return builders.keySet();
    }

    /** The running services by the name of their builder bean; empty while the context is not started. */
    public Map<String, LeaderService> services() {
        return running;
    }

    @Override
    public synchronized void start() {
        if (!running.isEmpty()) {
            return;
        }
        Map<String, LeaderService> started = new LinkedHashMap<>();
        try {
            builders.forEach((name, builder) -> started.put(name, builder.start()));
        } catch (RuntimeException e) {
            started.values().forEach(LeaderService::close);
            throw e;
        }
        running = Map.copyOf(started);
    }

    /** Closes every service: each resigns or withdraws, waiting for its work to stop up to its close timeout. */
    @Override
    public synchronized void stop() {
        Map<String, LeaderService> stopping = running;
        running = Map.of();
        stopping.values().forEach(LeaderService::close);
    }

    @Override
    public boolean isRunning() {
        return !running.isEmpty();
    }

    /** The last phase to start and the first to stop. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }

    /** For a context whose start failed after the services started, which stops no lifecycle. */
    @Override
    public void destroy() {
        stop();
    }
}
