package dev.baton.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code baton dashboard --http 127.0.0.1:7070}: serves the fleet's dashboard until interrupted. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Serves the fleet's web dashboard, JSON API (/api/) and Prometheus metrics (/metrics).")
final class DashboardCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7070",
            converter = HostAndPort.Converter.class, description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    private HostAndPort http;

    @Option(names = "--token", defaultValue = "${env:BATON_DASHBOARD_TOKEN}",
            description = "Enables mutating actions for requests carrying this token"
                    + " (else $BATON_DASHBOARD_TOKEN, which other local users cannot see).")
    private String token;

    @Override
    public Integer call() throws InterruptedException {
        try (ShutdownGate gate = ShutdownGate.install("dashboard");
             Dashboard dashboard = Dashboard.start(store.connect(), store.prefix(), http, Optional.ofNullable(token),
                     new FleetMetrics())) {
            spec.commandLine().getOut().println("baton dashboard: serving " + store.prefix() + " on " + dashboard.url());
            spec.commandLine().getOut().flush();
            gate.await();
        }
        return 0;
    }
}
