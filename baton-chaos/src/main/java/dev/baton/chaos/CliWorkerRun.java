package dev.baton.chaos;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.chaos.check.CheckResult;
import dev.baton.chaos.check.RunOverlapCheck;
import dev.baton.chaos.check.Violation;
import dev.baton.chaos.fault.EtcdClusterStore;
import dev.baton.chaos.history.ProcessRun;
import dev.baton.etcd.Etcd;
import dev.baton.tasks.NoSuchTaskException;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskInfo;
import dev.baton.tasks.TaskOwner;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskStatus;
import dev.baton.testkit.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The {@code cli-worker-kill} scenario: command tasks run by {@code baton worker} processes, and
 * one of those workers killed with SIGKILL while its tasks' shells run. Each task's shell starts a
 * child that writes a heartbeat a tenth of a second apart for about six seconds, longer than the
 * workers' TTL and a takeover, so a task process that outlived its worker would still be writing
 * when another worker ran the task again. Judged: no two runs of one task alive at once
 * ({@link RunOverlapCheck}), and every task completed.
 */
final class CliWorkerRun {

    private static final String MAIN = "dev.baton.cli.BatonCommand";
    private static final String NAMESPACE = "chaos-cli";
    private static final int WORKERS = 2;
    private static final int TASKS = 6;
    /** Heartbeats of one run, a tenth of a second apart. */
    private static final int BEATS = 60;
    /** How long a run's heartbeats last at least: no process of a run that was killed beats after it. */
    private static final Duration RUN_SPAN = Duration.ofMillis(BEATS * 100L);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final RunSettings settings;
    private final long seed;
    private final Path dir;
    private final Random random;

    CliWorkerRun(RunSettings settings, long seed, Path dir) {
        this.settings = settings;
        this.seed = seed;
        this.dir = dir;
        this.random = new Random(seed);
    }

    RunResult run() throws Exception {
        Path beats = Files.createDirectories(dir.resolve("beats"));
        List<Violation> harness = new ArrayList<>();
        try (EtcdClusterStore store = EtcdClusterStore.start();
             Etcd etcd = Etcd.builder().endpoints(store.endpoints()).requestTimeout(Duration.ofSeconds(2)).build()) {
            Map<String, ChildJvm> workers = new LinkedHashMap<>();
            try {
                for (int n = 0; n < WORKERS; n++) {
                    String name = "c" + n;
                    workers.put(name, ChildJvm.builder(MAIN).jvmArgs(ChaosCommand.childLogging())
                            .args("worker", "--endpoints", String.join(",", store.endpoints()), "--namespace",
                                    NAMESPACE, "--name", name, "--ttl", settings.ttl().toSeconds() + "s",
                                    "--grace", "2s")
                            .start());
                }
                for (ChildJvm worker : workers.values()) {
                    worker.awaitLine(line -> line.startsWith("baton worker: "), START_TIMEOUT);
                }
                TaskClient client = TaskClient.create(etcd, NAMESPACE + "/");
                List<TaskId> tasks = IntStream.range(0, TASKS).mapToObj(n -> TaskId.of("t" + n)).toList();
                for (TaskId task : tasks) {
                    client.submit(task, heartbeats(beats));
                }
                awaitEveryTaskBeating(beats, tasks);

                Map<String, Long> held = tasks.stream().map(client::get).flatMap(Optional::stream)
                        .map(TaskInfo::owner).flatMap(Optional::stream)
                        .collect(Collectors.groupingBy(TaskOwner::member, Collectors.counting()));
                long most = held.values().stream().mapToLong(Long::longValue).max().orElse(0);
                List<String> busiest = held.entrySet().stream().filter(entry -> entry.getValue() == most)
                        .map(Map.Entry::getKey).sorted().toList();
                if (busiest.isEmpty()) {
                    harness.add(new Violation("harness", "no worker held a task to be killed with", List.of()));
                    return result(0, List.of(), new CheckResult("tasks", 0, List.of(), ""), harness);
                }
                String victim = busiest.get(random.nextInt(busiest.size()));
                workers.get(victim).kill();
                long killed = System.nanoTime();

                CheckResult completion = awaitCompleted(client, tasks);
                // A process of the killed worker's runs that outlived it would beat until its span ends.
                long quiet = killed + RUN_SPAN.toNanos() + Duration.ofSeconds(1).toNanos() - System.nanoTime();
                Thread.sleep(Math.max(0, quiet / 1_000_000));
                return result(1, readRuns(beats), completion, harness);
            } finally {
                for (ChildJvm worker : workers.values()) {
                    worker.close();
                }
            }
        }
    }

    private RunResult result(int faults, List<ProcessRun> runs, CheckResult completion, List<Violation> harness) {
        return new RunResult(seed, faults, 0, 0, Map.of("cli-worker-kill", (long) faults),
                List.of(RunOverlapCheck.check(runs), completion, new CheckResult("harness", 0, harness, "")));
    }

    /**
     * The command task: a shell that starts a child writing a heartbeat (the wall clock in
     * nanoseconds) every tenth of a second to a file named after the task, the claim token and the
     * shell's pid, and waits for it.
     */
    private static TaskProperties heartbeats(Path beats) {
        String script = "f='" + beats + "'/$BATON_TASK_ID.$BATON_TASK_TOKEN.$$; "
                + "(i=0; while [ $i -lt " + BEATS + " ]; do date +%s%N >> \"$f\"; sleep 0.1; i=$((i+1)); done) & wait";
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.putArray("argv").add("sh").add("-c").add(script);
        return TaskProperties.of(tree);
    }

    /** Waits (bounded) until every task's run has written a heartbeat. */
    private static void awaitEveryTaskBeating(Path beats, List<TaskId> tasks) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (readRuns(beats).stream().map(ProcessRun::task).distinct().count() < tasks.size()) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("not every task ran within " + START_TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    /** Waits (bounded) for every task to end; a task not completed within the drain timeout is a violation. */
    private static CheckResult awaitCompleted(TaskClient client, List<TaskId> tasks) throws InterruptedException {
        long deadline = System.nanoTime() + RunSettings.DRAIN_TIMEOUT.toNanos();
        List<Violation> violations = new ArrayList<>();
        for (TaskId task : tasks) {
            Optional<TaskStatus> status;
            try {
                status = client.await(task, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))).status();
            } catch (TimeoutException | NoSuchTaskException e) {
                status = Optional.empty();
            }
            if (status.filter(TaskStatus.COMPLETED::equals).isEmpty()) {
                violations.add(new Violation("tasks", task.value() + " did not complete within "
                        + RunSettings.DRAIN_TIMEOUT + " (" + status.map(String::valueOf).orElse("not ended") + ")",
                        List.of()));
            }
        }
        return new CheckResult("tasks", tasks.size(), violations, "");
    }

    /** Every run's heartbeats, from the files {@link #heartbeats} names: {@code task.token.pid}. */
    private static List<ProcessRun> readRuns(Path beats) throws IOException {
        List<ProcessRun> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(beats)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                String[] name = file.getFileName().toString().split("\\.");
                List<Long> times = Files.readAllLines(file).stream().map(CliWorkerRun::nanos)
                        .flatMap(Optional::stream).toList();
                if (name.length == 3 && !times.isEmpty()) {
                    runs.add(new ProcessRun(name[0], Long.parseLong(name[1]), Long.parseLong(name[2]),
                            times.stream().min(Long::compare).orElseThrow(),
                            times.stream().max(Long::compare).orElseThrow()));
                }
            }
        }
        return runs;
    }

    /** A heartbeat line; a line cut short by a kill is left out. */
    private static Optional<Long> nanos(String line) {
        return line.length() == 19 && line.chars().allMatch(Character::isDigit) ? Optional.of(Long.parseLong(line))
                : Optional.empty();
    }
}
