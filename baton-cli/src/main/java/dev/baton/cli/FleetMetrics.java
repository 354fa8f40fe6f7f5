package dev.baton.cli;

import dev.baton.session.Session;
import dev.baton.session.SessionState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fleet's Prometheus metrics, served at {@code /metrics}. Claims, releases, finished tasks and
 * leader changes are counted from the store's changes as the fleet view sees them (so every
 * process reports the whole fleet); command runs are counted by the workers of this process. Tasks by
 * state and the claims each member holds are read from the fleet view when the metrics are scraped.
 * Every name here is queried by the Grafana dashboard in {@code docs/grafana/baton.json}.
 */
final class FleetMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter claims = counter("baton_task_claims", "Task claims seen (owner keys created)");
    private final Counter releases = counter("baton_task_releases",
            "Task claims ended without the task finishing (released, stopped or lost)");
    private final Counter completions = counter("baton_task_completions", "Tasks finished as completed");
    private final Counter failures = counter("baton_task_failures", "Tasks finished as failed or killed");
    private final Counter runsCompleted = counter("baton_command_runs_completed",
            "Command runs of this process's workers that exited with 0");
    private final Counter runsFailed = counter("baton_command_runs_failed",
            "Command runs of this process's workers that failed (non-zero exit or timeout)");
    private final Counter leaderChanges = counter("baton_leader_changes", "Changes of the fleet's leader seen");
    private final MultiGauge tasks = MultiGauge.builder("baton_tasks")
            .description("Tasks of the namespace in each state").register(registry);
    private final MultiGauge held = MultiGauge.builder("baton_member_held_tasks")
            .description("Task claims each member holds (0 for a member holding none)").register(registry);

    private Counter counter(String name, String help) {
        return Counter.builder(name).description(help).register(registry);
    }

    void claimed() {
        claims.increment();
    }

    void released() {
        releases.increment();
    }

    void completed() {
        completions.increment();
    }

    void failed() {
        failures.increment();
    }

    void completedRun() {
        runsCompleted.increment();
    }

    void failedRun() {
        runsFailed.increment();
    }

    void leaderChanged() {
        leaderChanges.increment();
    }

    /** Session state of a worker of this process: 0 connected, 1 suspended, 2 lost, 3 closed. */
    void session(String worker, Session session) {
        Gauge.builder("baton_session_state", session, s -> stateCode(s.state()))
                .description("Session state: 0 connected, 1 suspended, 2 lost, 3 closed")
                .tag("worker", worker).register(registry);
    }

    /**
     * How far the fleet view lags the store: store changes received but not yet applied to the view.
     * The gauge holds {@code pendingEvents} strongly: a gauge holds its object weakly by default,
     * and a method reference held by nothing else would be collected, leaving the gauge NaN.
     */
    void watchLag(Supplier<Number> pendingEvents) {
        Gauge.builder("baton_watch_lag_events", pendingEvents, s -> s.get().doubleValue())
                .description("Changes received from the store and not yet applied to the fleet view")
                .strongReference(true).register(registry);
    }

    private static double stateCode(SessionState state) {
        return switch (state) {
            case CONNECTED -> 0;
            case SUSPENDED -> 1;
            case LOST -> 2;
            case CLOSED -> 3;
        };
    }

    /**
     * The Prometheus text exposition of every metric, the task gauges set from {@code tasksByState}
     * and {@code heldByMember} first (a state or member that is no longer given is no longer exported).
     */
    String scrape(Map<String, Integer> tasksByState, Map<String, Integer> heldByMember) {
        tasks.register(rows("state", tasksByState), true);
        held.register(rows("member", heldByMember), true);
        return registry.scrape();
    }

    private static Iterable<MultiGauge.Row<?>> rows(String tag, Map<String, Integer> values) {
        return values.entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of(tag, e.getKey()), e.getValue()))
                .toList();
    }
}
