package dev.baton.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.etcd.Etcd;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.tasks.RetentionPolicy;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton demo}: the whole system on one machine. An embedded server in a temporary data
 * directory, three workers and the dashboard; about thirty short shell tasks; half way through,
 * one worker is hard-stopped (its connection dropped, its lease left to expire, as a crash looks
 * to the store) and the survivors take its tasks over once the lease expires. Prints a timeline,
 * then a summary and the task table {@code baton tasks} prints, and exits 0 only if every task
 * completed. With {@code --keep} everything stays up after the summary until SIGINT or SIGTERM,
 * so the other commands can be tried against the demo's store.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs a server, three workers and the dashboard; crashes a worker half way; "
                + "exits 0 only if every task completed.")
final class DemoCommand implements Callable<Integer> {
    private static final String NAMESPACE = "baton/";
    private static final Duration WORKER_TTL = Duration.ofSeconds(3);

    @Spec
    private CommandSpec spec;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "The longest the demo runs before it gives up (default: ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7070",
            converter = HostAndPort.Converter.class,
            description = "Where the dashboard is served; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private HostAndPort http;

    @Option(names = "--store", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
            converter = HostAndPort.Converter.class,
            description = "Where the demo's embedded server listens; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private HostAndPort store;

    @Option(names = "--keep", description = "After the summary, keep the server, workers and dashboard running "
            + "until interrupted, so other baton commands can be pointed at the demo's store.")
    private boolean keep;

    @Option(names = "--tasks", defaultValue = "30", description = "How many shell tasks to submit (default: ${DEFAULT-VALUE}).")
    private int taskCount;

    private PrintWriter out;
    private long startedNanos;

    @Override
    public Integer call() throws Exception {
        if (taskCount < 2) {
            throw new CommandFailure("--tasks must be at least 2, got " + taskCount, null);
        }
        out = spec.commandLine().getOut();
        Path dataDir = Files.createTempDirectory("baton-demo-");
        startedNanos = System.nanoTime();
        String logFile = System.getProperty(BatonCommand.LOG_FILE_VARIABLE);
        if (logFile != null) {
            say("logs     the library's own log lines go to " + logFile);
        }
        FleetMetrics metrics = new FleetMetrics();
        List<Worker> workers = new ArrayList<>();
        // Only with --keep: without it, Ctrl-C ends the demo at once rather than waiting for clean-up.
        try (ShutdownGate gate = keep ? ShutdownGate.install("demo") : null) {
            return runWithServer(dataDir, metrics, workers, gate);
        }
    }

    private int runWithServer(Path dataDir, FleetMetrics metrics, List<Worker> workers, ShutdownGate gate) throws Exception {
        try (EmbeddedEtcd server = EmbeddedEtcd.builder().listen(store.host(), store.port()).dataDir(dataDir)
                .build().start()) {
            say("server   embedded etcd-compatible server on " + server.endpoint() + " (data in " + dataDir + ")");
            try (Etcd etcd = connect(server);
                 Dashboard dashboard = Dashboard.start(connect(server), NAMESPACE, http, Optional.empty(), metrics)) {
                say("dashboard " + dashboard.url() + "  (open it to watch)");
                // The timeline follows the dashboard's own view: a second view would count every claim,
                // release, finish and leader change into the shared metrics a second time.
                FleetView view = dashboard.fleet();
                BlockingQueue<FleetView.Event> events = new LinkedBlockingQueue<>();
                view.addListener(events::add);
                for (int i = 1; i <= 3; i++) {
                    WorkerSettings settings = new WorkerSettings("worker-" + i, "zone-" + (char) ('a' + i - 1), 2,
                            WORKER_TTL, Duration.ofSeconds(5), RetentionPolicy.defaults().withMaxAge(Duration.ofHours(1)),
                            Optional.empty());
                    workers.add(Worker.start(connect(server), NAMESPACE, settings, metrics));
                }
                TaskClient client = TaskClient.create(etcd, NAMESPACE);
                for (int i = 1; i <= taskCount; i++) {
                    String seconds = String.format(Locale.ROOT, "%.1f", 0.5 + (i % 5) * 0.4);
                    CommandTask task = new CommandTask(List.of("sh", "-c",
                            "sleep " + seconds + "; echo task " + i + " slept " + seconds + " s"),
                            Optional.of(Duration.ofSeconds(30)));
                    client.submit(TaskId.of(String.format("demo-%02d", i)), task.toProperties());
                }
                say("submit   " + taskCount + " shell tasks");
                int status = run(view, events, workers);
                printTasks(view);
                if (keep) {
                    String endpoint = server.endpoint().replaceFirst("^http://", "");
                    say("keep     running until interrupted (Ctrl-C); try: ./baton tasks --endpoints " + endpoint
                            + "   ./baton members --endpoints " + endpoint);
                    gate.await();
                    say("stop     shutting the demo down");
                }
                return status;
            } finally {
                workers.forEach(Worker::close);
            }
        } finally {
            deleteRecursively(dataDir);
        }
    }

    /** The final task table, as {@code baton tasks} prints it against the demo's store. */
    private void printTasks(FleetView view) throws IOException {
        say("tasks    (as ./baton tasks shows them)");
        new FleetListing.Tasks().print(out, view);
        out.flush();
    }

    private int run(FleetView view, BlockingQueue<FleetView.Event> events, List<Worker> workers) throws InterruptedException {
        long deadline = startedNanos + duration.toNanos();
        Worker crashed = null;
        long crashedAt = 0;
        Set<String> orphans = new HashSet<>();
        long takeoverNanos = -1;
        int leaderChanges = 0;
        List<ObjectNode> tasks = view.allTasks();
        while (System.nanoTime() - deadline < 0) {
            FleetView.Event event = events.poll(200, TimeUnit.MILLISECONDS);
            if (event != null) {
                say(String.format("%-8s %s", event.kind(), event.text()));
                leaderChanges += event.kind().equals("leader") ? 1 : 0;
            }
            tasks = view.allTasks();
            long done = tasks.stream().filter(t -> t.path("done").asBoolean()).count();
            if (crashed == null && done * 2 >= taskCount) {
                crashed = busiest(tasks, workers);
                orphans.addAll(heldBy(tasks, crashed.name()));
                crashedAt = System.nanoTime();
                Thread crash = new Thread(crashed::crash, "baton-demo-crash");
                crash.setDaemon(true);
                crash.start();
                say("crash    " + crashed.name() + " hard-stopped holding " + orphans
                        + "; its lease expires within " + WORKER_TTL.toSeconds() + " s");
            }
            if (crashed != null && takeoverNanos < 0 && tookOver(tasks, orphans, crashed.name())) {
                takeoverNanos = System.nanoTime() - crashedAt;
                say(String.format("takeover survivors took over %s's tasks %.1f s after the crash", crashed.name(),
                        takeoverNanos / 1e9));
            }
            if (done == taskCount) {
                break;
            }
        }
        return summary(tasks, orphans, takeoverNanos, leaderChanges);
    }

    private int summary(List<ObjectNode> tasks, Set<String> orphans, long takeoverNanos, int leaderChanges) {
        long completed = tasks.stream().filter(t -> "completed".equals(t.path("state").asText())).count();
        long reassigned = tasks.stream().filter(t -> orphans.contains(t.path("id").asText()))
                .filter(t -> "completed".equals(t.path("state").asText())).count();
        say("summary");
        out.printf("  tasks completed     %d of %d%n", completed, taskCount);
        out.printf("  reassigned          %d (held by the crashed worker, completed by the others)%n", reassigned);
        out.printf("  time to take over   %s%n", takeoverNanos < 0 ? "-" : String.format("%.1f s", takeoverNanos / 1e9));
        out.printf("  leader changes      %d%n", leaderChanges);
        out.printf("  elapsed             %.1f s%n", (System.nanoTime() - startedNanos) / 1e9);
        boolean ok = completed == taskCount;
        out.println(ok ? "demo: every task completed" : "demo: " + (taskCount - completed) + " task(s) did not complete");
        out.flush();
        return ok ? 0 : 1;
    }

    private static Set<String> heldBy(List<ObjectNode> tasks, String member) {
        Set<String> held = new HashSet<>();
        tasks.stream().filter(t -> member.equals(t.path("owner").asText()) && !t.path("done").asBoolean())
                .forEach(t -> held.add(t.path("id").asText()));
        return held;
    }

    /** The worker holding the most unfinished tasks, so the crash strands work. */
    private static Worker busiest(List<ObjectNode> tasks, List<Worker> workers) {
        return workers.stream().max(Comparator.comparingInt(w -> heldBy(tasks, w.name()).size())).orElseThrow();
    }

    private static boolean tookOver(List<ObjectNode> tasks, Set<String> orphans, String crashed) {
        return orphans.isEmpty() || tasks.stream().anyMatch(t -> orphans.contains(t.path("id").asText())
                && (t.path("done").asBoolean() || (t.has("owner") && !crashed.equals(t.path("owner").asText()))));
    }

    private static Etcd connect(EmbeddedEtcd server) {
        return Etcd.builder().endpoints(server.endpoint()).build();
    }

    private void say(String line) {
        out.printf("[%5.1fs] %s%n", (System.nanoTime() - startedNanos) / 1e9, line);
        out.flush();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
