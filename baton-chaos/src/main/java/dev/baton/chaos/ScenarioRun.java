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
import dev.baton.chaos.workload.Pruner;
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
import java.io.UncheckedIOException;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One run of one part of a scenario: start the store, the workers and the workloads; inject the nemeses at
 * random intervals for the chaos span while compaction runs; heal; wait until every task is done;
 * quiesce and collect every history; judge it with every checker.
 */
final class ScenarioRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASKS_PREFIX = ChaosWorker.NAMESPACE + "tasks/";
    private static final String ALLOC_PREFIX = ChaosWorker.NAMESPACE + "alloc/";

    private final Scenario.Part part;
    private final RunSettings settings;
    private final long seed;
    private final Path dir;
    private final Random random;
    private final List<Violation> harness = new ArrayList<>();
    /** When the last fault's recovery time ended: the wait before the next fault counts from it. */
    private long quietSince = System.nanoTime();

    ScenarioRun(Scenario.Part part, RunSettings settings, long seed, Path dir) {
        this.part = part;
        this.settings = settings;
        this.seed = seed;
        this.dir = dir;
        this.random = new Random(seed);
    }

    RunResult run() throws Exception {
        Files.createDirectories(dir);
        try (StoreTarget store = part.store() == Scenario.Store.ETCD ? EtcdClusterStore.start()
                : EmbeddedServerStore.start(dir.resolve("server-data"));
             Etcd etcd = Etcd.builder().endpoints(store.endpoints()).requestTimeout(Duration.ofSeconds(2)).build()) {
            try (StoreRecorder allocRecorder = StoreRecorder.start(etcd, ALLOC_PREFIX);
                 StoreRecorder taskRecorder = StoreRecorder.start(etcd, TASKS_PREFIX);
                 StoreRecorder ledgerRecorder = StoreRecorder.start(etcd, LedgerEntry.PREFIX);
                 Fleet fleet = Fleet.start(store, settings.workers(), settings.ttl(), dir);
                 Compactor compactor = Compactor.start(etcd, () -> Math.min(allocRecorder.nextRevision(),
                         Math.min(taskRecorder.nextRevision(), ledgerRecorder.nextRevision())),
                         RunSettings.COMPACTION_PERIOD);
                 Pruner pruner = Pruner.start(etcd, ledgerRecorder, RunSettings.PRUNE_PERIOD);
                 RegisterWorkload register = RegisterWorkload.start(etcd, RunSettings.REGISTER_CLIENTS, seed)) {
                TaskClient client = TaskClient.create(etcd, ChaosWorker.NAMESPACE);
                List<String> submitted = Collections.synchronizedList(new ArrayList<>());
                Thread submitter = new Thread(() -> submitAll(client, submitted), "chaos-submitter");
                submitter.setDaemon(true);
                submitter.start();

                Thread.sleep(RunSettings.WARM_UP.toMillis());
                List<Fault> faults = new ArrayList<>();
                Samples samples = settings.soak() ? soak(fleet, store, etcd, faults)
                        : repeat(fleet, store, etcd, faults);
                submitter.join();
                List<RegisterOp> registerHistory = register.stop();
                awaitDone(taskRecorder, submitted);
                compactor.close();
                pruner.close();

                etcd.put(ChaosWorker.QUIESCE_KEY, "quiesce".getBytes(StandardCharsets.UTF_8), 0)
                        .get(10, TimeUnit.SECONDS);
                awaitStill(etcd);
                etcd.put(ChaosWorker.REPORT_KEY, "report".getBytes(StandardCharsets.UTF_8), 0)
                        .get(10, TimeUnit.SECONDS);
                List<String> reporting = fleet.awaitAll("^(reported|unreported)", RunSettings.REPORT_TIMEOUT);

                // The resources are sampled while the histories are read: both only look.
                FutureTask<Sample> endSample = new FutureTask<>(() -> samples.end() != null ? samples.end()
                        : sample(fleet, store, etcd));
                Thread sampler = new Thread(endSample, "chaos-resource-sample");
                sampler.setDaemon(true);
                sampler.start();
                List<CacheReport> caches = readCaches(etcd, fleet.cacheLogs(), reporting);
                Sample ended = endSample.get();
                List<StoreRecorder> recorders = List.of(allocRecorder, taskRecorder, ledgerRecorder);
                for (StoreRecorder recorder : recorders) {
                    if (!recorder.awaitCaughtUp(RunSettings.REPORT_TIMEOUT)) {
                        harness.add(new Violation("harness", "a recorder did not catch up with the store within "
                                + RunSettings.REPORT_TIMEOUT, List.of()));
                    }
                    recorder.close();
                    if (!recorder.complete()) {
                        harness.add(new Violation("harness", "a recorder's watch ended early; its history is "
                                + "incomplete", List.of()));
                    }
                }
                List<LedgerEntry> ledger = ledger(ledgerRecorder.events());
                List<TaskRecord> tasks = tasks(taskRecorder.events(), submitted);

                List<CheckResult> checks = new ArrayList<>();
                checks.add(FencingCheck.check(ledger));
                checks.add(TaskCompletionCheck.check(tasks, ledger));
                checks.add(AllocationCheck.check(ALLOC_PREFIX, allocRecorder.events()));
                checks.add(LivenessCheck.check(faults, ledger, settings.ttl(), store.failoverAllowance()));
                checks.add(RegisterCheck.check(registerHistory, RunSettings.SEARCH_BUDGET));
                checks.add(CacheCheck.check(caches));
                checks.add(resources(samples.first(), ended));
                checks.add(new CheckResult("harness", 0, harness, ""));
                int healElections = (int) faults.stream()
                        .filter(fault -> fault.nemesis().equals(Nemesis.HEAL_ELECTION)).count();
                Map<String, Long> injected = new TreeMap<>();
                faults.stream().filter(fault -> !fault.nemesis().equals(Nemesis.HEAL_ELECTION))
                        .forEach(fault -> injected.merge(fault.nemesis(), 1L, Long::sum));
                return new RunResult(seed, faults.size() - healElections, healElections, compactor.compactions(),
                        injected, checks);
            }
        }
    }

    /**
     * The resources of every worker and the embedded server, and the size of the namespace, at
     * one moment.
     */
    private record Sample(List<ResourceSample> processes, int keys) {
    }

    /** The samples the resource check compares; {@code end} is null when it is taken at the end of the run. */
    private record Samples(Sample first, Sample end) {
    }

    /**
     * The short and long forms: after the warm-up the resources are sampled, then the part's
     * nemeses are drawn at random for the chaos span; the last sample is taken at the end of the run.
     */
    private Samples repeat(Fleet fleet, StoreTarget store, Etcd etcd, List<Fault> faults) throws Exception {
        // The wait before the first fault counts from here: the resources are sampled meanwhile.
        quietSince = System.nanoTime();
        Sample first = sample(fleet, store, etcd);
        long end = System.nanoTime() + settings.chaos().toNanos();
        injectUntil(part.nemeses(), end, fleet, store, faults);
        return new Samples(first, null);
    }

    /**
     * The soak form: every nemesis of the part once, those that restart workers first and the
     * others after them in an order drawn from the seed (so the workers sampled have met every
     * other fault, every one-off thread is started and the namespace has reached its plateau), a
     * settle, the first sample; then, for {@link RunSettings#SOAK_SAMPLED_SHARE} of the chaos
     * span, the nemeses that leave every sampled process running, with a point of the resource
     * curve every {@link RunSettings#SOAK_CURVE_EVERY}; the same settle and the last sample; then,
     * for the rest of the span, the nemeses that restart a sampled process. The curve, from the
     * first sample to the last, is written next to the run's directory ({@link ResourceCurve}).
     */
    private Samples soak(Fleet fleet, StoreTarget store, Etcd etcd, List<Fault> faults) throws Exception {
        long start = System.nanoTime();
        quietSince = start;
        List<Nemesis> restartingWorkers = nemeses(Nemesis.Restarts.WORKER::equals);
        List<Nemesis> others = nemeses(restarts -> restarts != Nemesis.Restarts.WORKER);
        Collections.shuffle(restartingWorkers, random);
        Collections.shuffle(others, random);
        for (Nemesis nemesis : restartingWorkers) {
            inject(nemesis, fleet, store, faults);
        }
        for (Nemesis nemesis : others) {
            inject(nemesis, fleet, store, faults);
        }
        Thread.sleep(RunSettings.SOAK_SETTLE.toMillis());
        Sample first = sample(fleet, store, etcd);
        long sampledSince = System.nanoTime();
        ResourceCurve curve = new ResourceCurve(dir.getFileName().toString());
        curve.add(Duration.ZERO, first.processes());
        long stretchEnd = start + (long) (settings.chaos().toNanos() * RunSettings.SOAK_SAMPLED_SHARE);
        List<Nemesis> keeping = nemeses(Nemesis.Restarts.NONE::equals);
        for (long point = sampledSince + RunSettings.SOAK_CURVE_EVERY.toNanos(); point - stretchEnd < 0;
             point += RunSettings.SOAK_CURVE_EVERY.toNanos()) {
            injectUntil(keeping, point, fleet, store, faults);
            curve.add(Duration.ofNanos(System.nanoTime() - sampledSince), sample(fleet, store, etcd).processes());
        }
        injectUntil(keeping, stretchEnd, fleet, store, faults);
        Thread.sleep(RunSettings.SOAK_SETTLE.toMillis());
        Sample last = sample(fleet, store, etcd);
        curve.add(Duration.ofNanos(System.nanoTime() - sampledSince), last.processes());
        curve.write(dir.resolveSibling(dir.getFileName() + "-resources"));
        injectUntil(nemeses(restarts -> restarts != Nemesis.Restarts.NONE), start + settings.chaos().toNanos(), fleet,
                store, faults);
        return new Samples(first, last);
    }

    /** The part's nemeses whose {@link Nemesis#restarts()} passes {@code restarts}, in the part's order. */
    private List<Nemesis> nemeses(Predicate<Nemesis.Restarts> restarts) {
        return new ArrayList<>(part.nemeses().stream().filter(nemesis -> restarts.test(nemesis.restarts())).toList());
    }

    /**
     * Injects nemeses drawn at random from {@code nemeses} while {@code end} has not passed; with no
     * nemesis to draw, waits until it has.
     */
    private void injectUntil(List<Nemesis> nemeses, long end, Fleet fleet, StoreTarget store, List<Fault> faults)
            throws InterruptedException {
        if (nemeses.isEmpty()) {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
        }
        while (!nemeses.isEmpty() && System.nanoTime() - end < 0) {
            inject(nemeses.get(random.nextInt(nemeses.size())), fleet, store, faults);
        }
    }

    /**
     * Waits 1–3 s (counted from the end of the last fault's recovery), injects
     * {@code nemesis} once and leaves the fleet its TTL and {@link RunSettings#SETTLE} to recover, so
     * each recovery is measured.
     */
    private void inject(Nemesis nemesis, Fleet fleet, StoreTarget store, List<Fault> faults)
            throws InterruptedException {
        long wait = 1_000 + random.nextInt(2_000);
        Thread.sleep(Math.max(0, wait - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietSince)));
        faults.addAll(nemesis.inject(fleet, store, random, settings.ttl()));
        Thread.sleep(settings.ttl().plus(RunSettings.SETTLE).toMillis());
        quietSince = System.nanoTime();
    }

    private Sample sample(Fleet fleet, StoreTarget store, Etcd etcd) throws Exception {
        Map<String, Long> processes = new LinkedHashMap<>(fleet.processes());
        processes.putAll(store.jvmProcesses());
        List<ResourceSample> sampled = ResourceProbe.sample(processes, dir);
        return new Sample(sampled, range(etcd, ChaosWorker.NAMESPACE, 0).kvs().size());
    }

    /**
     * The soak judges its steady stretch with the plain 10 %; the short and long forms, sampled
     * right after the warm-up and at the end, with their allowances.
     */
    private CheckResult resources(Sample first, Sample last) {
        ResourceCheck.Tolerance tolerance = settings.soak() ? ResourceCheck.Tolerance.STEADY
                : ResourceCheck.Tolerance.shortRun(last.keys() - first.keys());
        CheckResult check = ResourceCheck.check(first.processes(), last.processes(), tolerance);
        return new CheckResult(check.checker(), check.checked(), check.violations(),
                "namespace " + first.keys() + "→" + last.keys() + " keys; " + check.notes());
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

    /** Waits (bounded) until the recorder has seen a done record of every submitted task. */
    private void awaitDone(StoreRecorder taskRecorder, List<String> submitted) throws InterruptedException {
        long deadline = System.nanoTime() + RunSettings.DRAIN_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Set<String> done = doneRecords(taskRecorder.events()).keySet();
            synchronized (submitted) {
                if (done.containsAll(submitted)) {
                    return;
                }
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

    /**
     * Every accepted ledger write, from the recording: the store keeps the ledger only until the
     * {@link Pruner} has deleted it. A ledger key is written once, so its put is the write.
     */
    private static List<LedgerEntry> ledger(List<StoreEvent> recorded) {
        return recorded.stream().filter(event -> event.type() == StoreEvent.Type.PUT)
                .map(event -> LedgerEntry.decode(event.value(), event.createRevision())).toList();
    }

    /**
     * The first done record of each task, from the recording (retention deletes them from the
     * store a minute after the task finished), by task id.
     */
    private static Map<String, TaskRecord> doneRecords(List<StoreEvent> recorded) {
        Map<String, TaskRecord> done = new HashMap<>();
        for (StoreEvent event : recorded) {
            if (event.type() == StoreEvent.Type.PUT && event.key().endsWith("/done")) {
                String id = event.key().substring(TASKS_PREFIX.length(), event.key().length() - "/done".length());
                try {
                    String status = JSON.readTree(event.value()).path("state").asText();
                    done.putIfAbsent(id, TaskRecord.done(id, status, event.createRevision()));
                } catch (IOException e) {
                    throw new UncheckedIOException("done record " + event + " is not JSON", e);
                }
            }
        }
        return done;
    }

    private static List<TaskRecord> tasks(List<StoreEvent> recorded, List<String> submitted) {
        Map<String, TaskRecord> done = doneRecords(recorded);
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
