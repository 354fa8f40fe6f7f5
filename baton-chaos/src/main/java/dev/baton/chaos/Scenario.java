package dev.baton.chaos;

import dev.baton.chaos.fault.Nemesis;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The scenarios: one nemesis each, on the store it needs, the soak, which cycles every nemesis in
 * two parts, one per store, and the CLI worker's kill; compaction runs during all but the last.
 */
enum Scenario {
    WORKER_KILL(Store.ETCD, Nemesis.WORKER_KILL),
    WORKER_PAUSE(Store.ETCD, Nemesis.WORKER_PAUSE),
    WORKER_CUT(Store.ETCD, Nemesis.WORKER_CUT),
    WORKER_HALF_PARTITION(Store.ETCD, Nemesis.WORKER_HALF_PARTITION),
    ETCD_LEADER_KILL(Store.ETCD, Nemesis.ETCD_LEADER_KILL),
    ETCD_LEADER_PAUSE(Store.ETCD, Nemesis.ETCD_LEADER_PAUSE),
    ETCD_PARTITION(Store.ETCD, Nemesis.ETCD_PARTITION),
    SERVER_KILL(Store.EMBEDDED, Nemesis.SERVER_KILL),
    SERVER_KILL_BURST(Store.EMBEDDED, Nemesis.SERVER_KILL_BURST),
    SERVER_DISK_FULL(Store.EMBEDDED, Nemesis.SERVER_DISK_FULL),
    ROLLING_RESTART(Store.ETCD, Nemesis.ROLLING_RESTART),
    /**
     * Command tasks run by {@code baton worker} processes on the etcd cluster, one worker killed
     * with SIGKILL while its tasks run ({@link CliWorkerRun}): the other nemeses do not apply.
     */
    CLI_WORKER_KILL("cli-worker-kill", List.of(new Part(Store.ETCD, List.of()))),
    /**
     * Every nemesis of the etcd cluster on the cluster, then every nemesis of the embedded server
     * on the server (the workers' nemeses in both): the soak form runs both parts, the short and
     * long forms one part a run, alternating from run to run.
     */
    SOAK("soak", List.of(
            new Part(Store.ETCD, List.of(Nemesis.WORKER_KILL, Nemesis.WORKER_PAUSE, Nemesis.WORKER_CUT,
                    Nemesis.WORKER_HALF_PARTITION, Nemesis.ETCD_LEADER_KILL, Nemesis.ETCD_LEADER_PAUSE,
                    Nemesis.ETCD_PARTITION, Nemesis.ROLLING_RESTART)),
            new Part(Store.EMBEDDED, List.of(Nemesis.WORKER_KILL, Nemesis.WORKER_PAUSE, Nemesis.WORKER_CUT,
                    Nemesis.WORKER_HALF_PARTITION, Nemesis.SERVER_KILL, Nemesis.SERVER_KILL_BURST,
                    Nemesis.SERVER_DISK_FULL, Nemesis.ROLLING_RESTART))));

    enum Store {
        ETCD("the etcd cluster"), EMBEDDED("the embedded server");

        final String description;

        Store(String description) {
            this.description = description;
        }
    }

    /** What one run injects: nemeses drawn at random, on one store. */
    record Part(Store store, List<Nemesis> nemeses) {
    }

    private final String label;
    final List<Part> parts;

    Scenario(Store store, Nemesis nemesis) {
        this(nemesis.label(), List.of(new Part(store, List.of(nemesis))));
    }

    Scenario(String label, List<Part> parts) {
        this.label = label;
        this.parts = parts;
    }

    String label() {
        return label;
    }

    /** Runs {@code part} of this scenario once. */
    RunResult run(Part part, RunSettings settings, long seed, Path dir) throws Exception {
        return this == CLI_WORKER_KILL ? new CliWorkerRun(settings, seed, dir).run()
                : new ScenarioRun(part, settings, seed, dir).run();
    }

    static Optional<Scenario> byLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }
}
