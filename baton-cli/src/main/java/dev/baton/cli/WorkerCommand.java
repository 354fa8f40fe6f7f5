package dev.baton.cli;

import dev.baton.tasks.RetentionPolicy;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton worker}: joins the fleet and runs command tasks until SIGTERM, then leaves
 * gracefully: stops claiming, lets running tasks finish for the grace period, releases the rest
 * and revokes its lease.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Joins the fleet as a member and runs command tasks until SIGTERM.")
final class WorkerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Option(names = "--name", description = "Member id, unique in the namespace (default: worker-<random>).")
    private String name;

    @Option(names = "--zone", defaultValue = "default", description = "Failure domain shown with the member (default: ${DEFAULT-VALUE}).")
    private String zone;

    @Option(names = "--max-tasks", defaultValue = "8", description = "Most tasks run at once (default: ${DEFAULT-VALUE}).")
    private int maxTasks;

    @Option(names = "--ttl", defaultValue = "5s", converter = DurationConverter.class,
            description = "Session lease TTL, whole seconds >= 2: how soon others take over after a crash (default: ${DEFAULT-VALUE}).")
    private Duration ttl;

    @Option(names = "--grace", defaultValue = "30s", converter = DurationConverter.class,
            description = "On SIGTERM, how long running tasks may finish before they are released (default: ${DEFAULT-VALUE}).")
    private Duration grace;

    @Option(names = "--retention", defaultValue = "1h", converter = DurationConverter.class,
            description = "How long finished tasks stay listed before the leader removes them (default: ${DEFAULT-VALUE}).")
    private Duration retention;

    @Option(names = "--retention-count", defaultValue = "" + RetentionPolicy.DEFAULT_MAX_COUNT,
            description = "How many finished tasks stay listed at most; the oldest go first (default: ${DEFAULT-VALUE}).")
    private int retentionCount;

    @Option(names = "--http", paramLabel = "HOST:PORT", converter = HostAndPort.Converter.class,
            description = "Serve the dashboard here (e.g. 127.0.0.1:7070).")
    private HostAndPort http;

    @Option(names = "--token", defaultValue = "${env:BATON_DASHBOARD_TOKEN}",
            description = "Enables the dashboard's mutating actions for requests carrying this token"
                    + " (else $BATON_DASHBOARD_TOKEN, which other local users cannot see).")
    private String token;

    @Override
    public Integer call() throws InterruptedException {
        String member = name != null ? name : "worker-" + UUID.randomUUID().toString().substring(0, 8);
        PrintWriter out = spec.commandLine().getOut();
        FleetMetrics metrics = new FleetMetrics();
        RetentionPolicy policy;
        try {
            policy = new RetentionPolicy(retention, retentionCount);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        WorkerSettings settings = new WorkerSettings(member, zone, maxTasks, ttl, grace, policy,
                Optional.ofNullable(http).map(h -> h.host() + ":" + h.port()));
        Worker worker = Worker.start(store.connect(), store.prefix(), settings, metrics);
        metrics.session(member, worker.session());
        Dashboard dashboard = http == null ? null
                : Dashboard.start(store.connect(), store.prefix(), http, Optional.ofNullable(token), metrics);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                worker.drain();
            } catch (InterruptedException e) {
                worker.close();
            } finally {
                if (dashboard != null) {
                    dashboard.close();
                }
                stopped.countDown();
            }
        }, "baton-worker-shutdown"));
        out.println("baton worker: " + member + " joined " + store.prefix() + " (zone " + zone + ", lease "
                + Long.toHexString(worker.session().lease()) + ")"
                + (dashboard == null ? "" : "; dashboard at " + dashboard.url()));
        out.flush();
        stopped.await();
        return 0;
    }
}
