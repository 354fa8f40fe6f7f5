package dev.baton.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.chaos.check.AllocationCheck;
import dev.baton.chaos.check.CacheCheck;
import dev.baton.chaos.check.CheckResult;
import dev.baton.chaos.check.FencingCheck;
import dev.baton.chaos.check.LivenessCheck;
import dev.baton.chaos.check.RegisterCheck;
import dev.baton.chaos.check.ResourceCheck;
import dev.baton.chaos.check.TaskCompletionCheck;
import dev.baton.chaos.check.Violation;
import dev.baton.chaos.fault.EmbeddedServerStore;
import dev.baton.chaos.fault.EtcdClusterStore;
import dev.baton.chaos.fault.Fleet;
import dev.baton.chaos.fault.Nemesis;
import dev.baton.chaos.fault.StoreTarget;
import dev.baton.chaos.history.CacheLine;
import dev.baton.chaos.history.CacheReport;
import dev.baton.chaos.history.Fault;
import dev.baton.chaos.history.LedgerEntry;
import dev.baton.chaos.history.ResourceSample;
import dev.baton.chaos.history.StoreEvent;
import dev.baton.chaos.history.TaskRecord;
import dev.baton.chaos.linear.RegisterOp;
import dev.baton.chaos.workload.CacheLog;
import dev.baton.chaos.workload.ChaosWorker;
import dev.baton.chaos.workload.Compactor;
import dev.baton.chaos.workload.RegisterWorkload;
import dev.baton.chaos.workload.ResourceProbe;
import dev.baton.chaos.workload.StoreRecorder;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.tasks.DuplicateTaskException;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * One run of one scenario: start the store, the workers and the workloads; inject the nemesis at
 * random intervals for the chaos span while compaction runs; heal; wait until every task is done;
 * quiesce and collect every history; judge it with every checker.
 */
final class ScenarioRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASKS_PREFIX = ChaosWorker.NAMESPACE + "tasks/";
    private static final String ALLOC_PREFIX = ChaosWorker.NAMESPACE + "alloc/";

    private final Scenario scenario;
    private final RunSettings settings;
    private final long seed;
    private final Path dir;
    private final List<Violation> harness = new ArrayList<>();

    ScenarioRun(Scenario scenario, RunSettings settings, long seed, Path dir) {
        this.scenario = scenario;
        this.settings = settings;
        this.seed = seed;
        this.dir = dir;
    }

    RunResult run() throws Exception {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        try (StoreTarget store = scenario.store == Scenario.Store.ETCD ? EtcdClusterStore.start()
                : EmbeddedServerStore.start(dir.resolve("server-data"));
             Etcd etcd = Etcd.builder().endpoints(store.endpoints()).requestTimeout(Duration.ofSeconds(2)).build()) {
            try (StoreRecorder recorder = StoreRecorder.start(etcd, ALLOC_PREFIX);
                 Fleet fleet = Fleet.start(store, settings.workers(), settings.ttl(), dir);
                 Compactor compactor = Compactor.start(etcd, recorder::nextRevision, RunSettings.COMPACTION_PERIOD);
                 RegisterWorkload register = RegisterWorkload.start(etcd, RunSettings.REGISTER_CLIENTS, seed)) {
                TaskClient client = TaskClient.create(etcd, ChaosWorker.NAMESPACE);
                List<String> submitted = Collections.synchronizedList(new ArrayList<>());
                Thread submitter = new Thread(() -> submitAll(client, submitted), "chaos-submitter");
                submitter.setDaemon(true);
                submitter.start();

                Thread.sleep(RunSettings.WARM_UP.toMillis());
                // The wait before the first fault counts from here: the resources are sampled meanwhile.
                long quietSince = System.nanoTime();
                List<ResourceSample> warm = ResourceProbe.sample(processes(fleet, store), dir);
                int warmKeys = range(etcd, ChaosWorker.NAMESPACE, 0).kvs().size();
                List<Fault> faults = new ArrayList<>();
                long end = System.nanoTime() + settings.chaos().toNanos();
                while (System.nanoTime() - end < 0) {
                    long wait = 1_000 + random.nextInt(2_000);
                    Thread.sleep(Math.max(0, wait - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietSince)));
                    faults.addAll(scenario.nemesis.inject(fleet, store, random, settings.ttl()));
                    // Leave the fleet time to recover before the next fault, so each recovery is measured.
                    Thread.sleep(settings.ttl().plus(RunSettings.SETTLE).toMillis());
                    quietSince = System.nanoTime();
                }
                submitter.join();
                List<RegisterOp> registerHistory = register.stop();
                awaitDone(client, submitted);
                compactor.close();

                etcd.put(ChaosWorker.QUIESCE_KEY, "quiesce".getBytes(StandardCharsets.UTF_8), 0)
                        .get(10, TimeUnit.SECONDS);
                awaitStill(etcd);
                etcd.put(ChaosWorker.REPORT_KEY, "report".getBytes(StandardCharsets.UTF_8), 0)
                        .get(10, TimeUnit.SECONDS);
                List<String> reporting = fleet.awaitAll("^(reported|unreported)", RunSettings.REPORT_TIMEOUT);

                // The resources are sampled while the histories are read: both only look.
                Map<String, Long> processes = processes(fleet, store);
                FutureTask<List<ResourceSample>> endSample = new FutureTask<>(() -> ResourceProbe.sample(processes, dir));
                Thread sampler = new Thread(endSample, "chaos-resource-sample");
                sampler.setDaemon(true);
                sampler.start();
                int endKeys = range(etcd, ChaosWorker.NAMESPACE, 0).kvs().size();
                List<LedgerEntry> ledger = readLedger(etcd);
                List<TaskRecord> tasks = readTasks(etcd, submitted);
                List<CacheReport> caches = readCaches(etcd, fleet.cacheLogs(), reporting);
                List<ResourceSample> ended = endSample.get();
                recorder.close();
                if (!recorder.complete()) {
                    harness.add(new Violation("harness", "the allocator recorder's watch ended early; its history "
                            + "is incomplete", List.of()));
                }
                List<StoreEvent> allocHistory = recorder.events();

                List<CheckResult> checks = new ArrayList<>();
                checks.add(FencingCheck.check(ledger));
                checks.add(TaskCompletionCheck.check(tasks, ledger));
                checks.add(AllocationCheck.check(ALLOC_PREFIX, allocHistory));
                checks.add(LivenessCheck.check(faults, ledger, settings.ttl(), store.failoverAllowance()));
                checks.add(RegisterCheck.check(registerHistory, RunSettings.SEARCH_BUDGET));
                checks.add(CacheCheck.check(caches));
                checks.add(ResourceCheck.check(warm, ended, endKeys - warmKeys));
                checks.add(new CheckResult("harness", 0, harness, ""));
                int healElections = (int) faults.stream()
                        .filter(fault -> fault.nemesis().equals(Nemesis.HEAL_ELECTION)).count();
                return new RunResult(seed, faults.size() - healElections, healElections, compactor.compactions(),
                        checks);
            }
        }
    }

    private static Map<String, Long> processes(Fleet fleet, StoreTarget store) {
        Map<String, Long> processes = new LinkedHashMap<>(fleet.processes());
        processes.putAll(store.jvmProcesses());
        return processes;
    }

    /** Submits the run's tasks evenly over the chaos span; an acknowledged submit is recorded. */
    private void submitAll(TaskClient client, List<String> submitted) {
        long spacing = settings.chaos().toNanos() / settings.tasks();
        long start = System.nanoTime();
        for (int n = 0; n < settings.tasks(); n++) {
            String id = "t" + n;
            long due = start + n * spacing;
            long deadline = due + settings.chaos().toNanos();
            while (System.nanoTime() - deadline < 0) {
                try {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    client.submit(TaskId.of(id), TaskProperties.empty());
                    submitted.add(id);
                    break;
                } catch (DuplicateTaskException e) {
                    // An earlier attempt landed though its answer was lost.
                    submitted.add(id);
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    due = System.nanoTime() + 500_000_000L;
                }
            }
        }
    }

    private void awaitDone(TaskClient client, List<String> submitted) throws InterruptedException {
        long deadline = System.nanoTime() + RunSettings.DRAIN_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                long done = client.list().stream().filter(task -> task.done()).count();
                if (done >= submitted.size()) {
                    return;
                }
            } catch (RuntimeException e) {
                // Store busy: look again.
            }
            Thread.sleep(500);
        }
    }

    /** Waits until nothing has been written for {@link RunSettings#STILL} (bounded): the run is quiet. */
    private static void awaitStill(Etcd etcd) throws Exception {
        long deadline = System.nanoTime() + RunSettings.REPORT_TIMEOUT.toNanos();
        long revision = -1;
        long stillSince = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            long now = range(etcd, ChaosWorker.QUIESCE_KEY, 0).revision();
            if (now != revision) {
                revision = now;
                stillSince = System.nanoTime();
            } else if (System.nanoTime() - stillSince > RunSettings.STILL.toNanos()) {
                return;
            }
            Thread.sleep(250);
        }
    }

    private static List<LedgerEntry> readLedger(Etcd etcd) throws Exception {
        List<LedgerEntry> ledger = new ArrayList<>();
        for (KeyValue kv : range(etcd, LedgerEntry.PREFIX, 0).kvs()) {
            ledger.add(LedgerEntry.decode(kv.valueUtf8(), kv.createRevision()));
        }
        return ledger;
    }

    private static List<TaskRecord> readTasks(Etcd etcd, List<String> submitted) throws Exception {
        Map<String, TaskRecord> done = new HashMap<>();
        for (KeyValue kv : range(etcd, TASKS_PREFIX, 0).kvs()) {
            if (kv.key().endsWith("/done")) {
                String id = kv.key().substring(TASKS_PREFIX.length(), kv.key().length() - "/done".length());
                String status = JSON.readTree(kv.valueUtf8()).path("state").asText();
                done.put(id, TaskRecord.done(id, status, kv.createRevision()));
            }
        }
        List<TaskRecord> tasks = new ArrayList<>();
        synchronized (submitted) {
            for (String id : submitted) {
                tasks.add(done.getOrDefault(id, TaskRecord.pending(id)));
            }
        }
        return tasks;
    }

    private List<CacheReport> readCaches(Etcd etcd, Map<String, Path> logs, List<String> reporting) throws Exception {
        List<CacheReport> reports = new ArrayList<>();
        for (Map.Entry<String, Path> log : logs.entrySet()) {
            List<String> lines = Files.readAllLines(log.getValue(), StandardCharsets.UTF_8);
            List<CacheLine> events = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                try {
                    events.add(CacheLine.parse(lines.get(i)));
                } catch (IllegalArgumentException e) {
                    // A kill -9 can cut the last line short; anything earlier is a broken log.
                    if (i != lines.size() - 1) {
                        throw e;
                    }
                }
            }
            Path snapshot = CacheLog.snapshotFile(log.getValue());
            Map<String, String> contents = new HashMap<>();
            long revision = 0;
            int reportedAfter = events.size();
            if (Files.exists(snapshot)) {
                List<String> snapshotLines = Files.readAllLines(snapshot, StandardCharsets.UTF_8);
                String[] head = snapshotLines.get(0).split(" ");
                revision = Long.parseLong(head[0]);
                reportedAfter = Integer.parseInt(head[1]);
                for (String line : snapshotLines.subList(1, snapshotLines.size())) {
                    int space = line.lastIndexOf(' ');
                    contents.put(line.substring(0, space), line.substring(space + 1));
                }
            }
            boolean quiesced = revision > 0;
            if (!quiesced && reporting.contains(log.getKey())) {
                harness.add(new Violation("harness", "worker " + log.getKey() + " did not report its cache",
                        List.of()));
            }
            Map<String, String> store = new HashMap<>();
            if (quiesced) {
                for (KeyValue kv : range(etcd, ChaosWorker.NAMESPACE, revision).kvs()) {
                    store.put(kv.key(), CacheLine.digest(kv.valueUtf8()));
                }
            }
            reports.add(new CacheReport(log.getKey(), events, quiesced, reportedAfter, revision, contents, store));
        }
        return reports;
    }

    private static RangeResult range(Etcd etcd, String prefix, long revision) throws Exception {
        return (revision > 0 ? etcd.range(KeyRange.prefix(prefix), revision) : etcd.range(KeyRange.prefix(prefix)))
                .get(30, TimeUnit.SECONDS);
    }

    static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Collections.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Left for the operating system's temporary files cleanup.
        }
    }
}
