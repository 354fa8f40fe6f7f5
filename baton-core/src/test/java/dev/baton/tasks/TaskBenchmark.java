package dev.baton.tasks;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import dev.baton.session.Session;
import dev.baton.testkit.EtcdProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The task benchmark, in one run on one real etcd (started here, fsync on):
 * <ol>
 *   <li>claim: the time 5 members need to claim and start 10,000 tasks, next to the time one
 *       client needs for 10,000 single-key transactions on the same etcd;</li>
 *   <li>steady load: store writes per second at rest with 10 and with 10,000 running tasks,
 *       next to a per-task TTL refresher shaped like seed 000's, measured from the revision
 *       (every write moves it), with lease keep-alives (which do not) counted from etcd's
 *       metrics;</li>
 *   <li>rebalance: the tasks moved when a sixth member joins five holding 10,000, against the
 *       fewest possible, and the time until every member holds ⌊N/6⌋ or ⌈N/6⌉.</li>
 * </ol>
 * Run from the repository root (see docs/benchmarks.md):
 * {@code mvn -B -q install -DskipTests && mvn -B -q -pl baton-core
 * org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.mainClass=dev.baton.tasks.TaskBenchmark
 * -Dexec.classpathScope=test}.
 * Arguments (optional): tasks (10000), members (5), steady window seconds (15).
 */
public final class TaskBenchmark {

    private static final Duration SESSION_TTL = Duration.ofSeconds(10);
    private static final int PIPELINE = 1000;
    private static final String NAMESPACE = "bench/";

    private final EtcdProcess etcdProcess;
    private final Etcd etcd;
    private final int tasks;
    private final int members;
    private final Duration window;
    private final Map<String, String> results = new LinkedHashMap<>();
    private final List<TaskMember> fleet = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final AtomicInteger started = new AtomicInteger();
    private final ConcurrentLinkedQueue<Long> startNanos = new ConcurrentLinkedQueue<>();

    private TaskBenchmark(EtcdProcess etcdProcess, int tasks, int members, Duration window) {
        this.etcdProcess = etcdProcess;
        this.etcd = Etcd.builder().endpoints(etcdProcess.endpoint()).requestTimeout(Duration.ofSeconds(30)).build();
        this.tasks = tasks;
        this.members = members;
        this.window = window;
    }

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int members = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Duration window = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 15);
        try (EtcdProcess etcd = EtcdProcess.builder().extraArgs("--quota-backend-bytes=8589934592").start()) {
            TaskBenchmark benchmark = new TaskBenchmark(etcd, tasks, members, window);
            try {
                benchmark.run();
            } catch (RuntimeException e) {
                e.printStackTrace(System.out);
                throw e;
            } finally {
                benchmark.close();
            }
            benchmark.results.forEach((name, value) -> System.out.printf("%-58s %s%n", name, value));
        }
        System.exit(0);
    }

    private void run() throws Exception {
        etcd.get(NAMESPACE).join();
        System.out.printf("etcd %s at %s; %d tasks, %d members, steady windows of %s%n",
                etcdProcess.etcdctl("version").lines().findFirst().orElse("?"), etcdProcess.endpoint(), tasks,
                members, window);

        progress("single-key txns");
        double txnSeconds = singleKeyTxns("raw-first/", tasks);
        results.put("claim: " + tasks + " single-key txns, one client, at the start (s)", format(txnSeconds));
        results.put("claim: the same with " + members + " watchers of the keys (s)", format(watchedTxns(tasks)));

        for (int count : new int[] {10, tasks}) {
            try (TtlRefresher refresher = new TtlRefresher(etcd, "seed-" + count + "/", count, SESSION_TTL.dividedBy(2))) {
                progress("steady load of the per-task refresher with " + count + " tasks");
                Steady seed = steady();
                results.put("steady: per-task TTL refresh, " + count + " tasks: writes/s (asked "
                        + format(count / (SESSION_TTL.toMillis() / 2000.0)) + ")", format(seed.writesPerSecond()));
            }
        }

        for (int i = 1; i <= members; i++) {
            startMember("m" + i);
        }
        TaskClient client = TaskClient.create(etcd, NAMESPACE);
        progress("steady load with 10 tasks");
        submit(client, "few", 10, Instant.now());
        await(() -> started.get() == 10, Duration.ofMinutes(1));
        Steady fewBaton = steady();
        results.put("steady: Baton, 10 running: writes/s", format(fewBaton.writesPerSecond()));
        results.put("steady: Baton, 10 running: lease keep-alives/s", format(fewBaton.keepAlivesPerSecond()));

        progress("submitting " + tasks + " tasks");
        long probeStart = System.nanoTime();
        submit(TaskClient.create(etcd, "probe/"), "probe", 500, Instant.now());
        double estimate = seconds(probeStart) * tasks / 500;
        Instant notBefore = Instant.now().plus(Duration.ofMillis((long) ((estimate + txnSeconds) * 2000) + 10_000));
        long submitStart = System.nanoTime();
        submit(client, "job", tasks, notBefore);
        results.put("claim: submit " + tasks + " tasks, 16 client threads (s)", format(seconds(submitStart)));
        progress("single-key txns again, just before the claims");
        double adjacentTxnSeconds = singleKeyTxns("raw-adjacent/", tasks);
        results.put("claim: " + tasks + " single-key txns, one client, just before the claims (s)",
                format(adjacentTxnSeconds));
        if (Instant.now().isAfter(notBefore)) {
            throw new IllegalStateException("submitting took longer than planned; the claim race would be unfair");
        }
        progress("claiming");
        long before = proposals();
        long notBeforeNanos = System.nanoTime() + Duration.between(Instant.now(), notBefore).toNanos();
        await(() -> started.get() == tasks + 10, Duration.ofMinutes(5));
        List<Long> sinceNotBefore = startNanos.stream().map(n -> n - notBeforeNanos).filter(d -> d >= 0).sorted().toList();
        double claimSeconds = sinceNotBefore.get(sinceNotBefore.size() - 1) / 1e9;
        results.put("claim: " + members + " members claim and start " + tasks + " tasks (s)", format(claimSeconds));
        results.put("claim: ratio to the single-key txns just before", format(claimSeconds / adjacentTxnSeconds));
        for (double q : new double[] {0.1, 0.5, 0.9}) {
            int index = (int) (q * sinceNotBefore.size());
            results.put("claim: " + (int) (q * 100) + " % started by (s)", format(sinceNotBefore.get(index) / 1e9));
        }
        results.put("claim: raft proposals during the claims", Long.toString(proposals() - before));

        progress("steady load with " + (tasks + 10) + " tasks");
        Steady manyBaton = steady();
        results.put("steady: Baton, " + (tasks + 10) + " running: writes/s", format(manyBaton.writesPerSecond()));
        results.put("steady: Baton, " + (tasks + 10) + " running: lease keep-alives/s",
                format(manyBaton.keepAlivesPerSecond()));
        progress("rebalance");
        rebalance(tasks + 10);
    }

    /** One client, {@code count} transactions {@code if absent(k) then put(k)} on fresh keys, pipelined. */
    private double singleKeyTxns(String prefix, int count) {
        Semaphore window = new Semaphore(PIPELINE);
        List<CompletableFuture<TxnResult>> sent = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            window.acquireUninterruptibly();
            CompletableFuture<TxnResult> txn = etcd.txn(List.of(Compares.absent(key)),
                    List.of(Operations.put(key, "x".getBytes(StandardCharsets.UTF_8), 0)), List.of());
            txn.whenComplete((r, e) -> window.release());
            sent.add(txn);
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        return seconds(start);
    }

    /** {@link #singleKeyTxns} while {@code members} connections each watch the keys, as members watch their namespace. */
    private double watchedTxns(int count) {
        String prefix = "raw-watched/";
        List<Etcd> connections = new ArrayList<>();
        List<Watch> watches = new ArrayList<>();
        AtomicLong seen = new AtomicLong();
        for (int i = 0; i < members; i++) {
            Etcd connection = Etcd.builder().endpoints(etcdProcess.endpoint()).build();
            connections.add(connection);
            watches.add(connection.watch(KeyRange.prefix(prefix), revision() + 1, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                    seen.addAndGet(events.size());
                }

                @Override
                public void onCompacted(long compactRevision) {
                }
            }));
        }
        double took = singleKeyTxns(prefix, count);
        try {
            await(() -> seen.get() == (long) count * members, Duration.ofMinutes(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watches.forEach(Watch::close);
        connections.forEach(Etcd::close);
        return took;
    }

    private void startMember(String id) {
        Etcd connection = Etcd.builder().endpoints(etcdProcess.endpoint()).requestTimeout(Duration.ofSeconds(30)).build();
        connection.get(NAMESPACE).join();
        resources.add(connection);
        Session session = Session.builder(connection).ttl(SESSION_TTL).open();
        resources.add(session);
        fleet.add(TaskMember.builder(session, id).namespace(NAMESPACE).maxConcurrentTasks(tasks + 100)
                .stopTimeout(Duration.ofSeconds(30))
                .handler(context -> {
                    started.incrementAndGet();
                    startNanos.add(System.nanoTime());
                    context.awaitStop(Duration.ofHours(1));
                    context.throwIfStopRequested();
                }).start());
    }

    private static void submit(TaskClient client, String prefix, int count, Instant notBefore) throws Exception {
        ExecutorService submitters = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TaskId id = TaskId.of(String.format("%s-%05d", prefix, i));
            done.add(submitters.submit(() -> client.submit(id, TaskProperties.empty(), notBefore)));
        }
        for (var future : done) {
            future.get();
        }
        submitters.shutdown();
    }

    /** Waits for the store to settle, then measures writes and keep-alives over the window. */
    private Steady steady() throws Exception {
        Thread.sleep(3000);
        long revision0 = revision();
        long renewed0 = metric("etcd_debugging_lease_renewed_total");
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        double elapsed = seconds(start);
        return new Steady((revision() - revision0) / elapsed,
                (metric("etcd_debugging_lease_renewed_total") - renewed0) / elapsed);
    }

    private void rebalance(int total) throws Exception {
        await(() -> holdings().values().stream().mapToInt(Integer::intValue).sum() == total, Duration.ofMinutes(2));
        Map<String, Integer> before = holdings();
        int joined = members + 1;
        int floor = total / joined;
        int ceiling = (total + joined - 1) / joined;
        int minimum = minimumMoves(before, total, joined);
        try (OwnerMoves moves = OwnerMoves.from(etcd, NAMESPACE)) {
            long start = System.nanoTime();
            startMember("m" + joined);
            results.put("rebalance: the newcomer has joined (read the namespace) (s)", format(seconds(start)));
            await(() -> holdings().getOrDefault("m" + joined, 0) >= floor / 2, Duration.ofMinutes(5));
            results.put("rebalance: the newcomer holds half its share (s)", format(seconds(start)));
            await(() -> {
                Map<String, Integer> held = holdings();
                return held.size() == joined && held.values().stream().mapToInt(Integer::intValue).sum() == total
                        && held.values().stream().allMatch(n -> n == floor || n == ceiling);
            }, Duration.ofMinutes(5));
            results.put("rebalance: time until balanced after a member joins (s)", format(seconds(start)));
            Thread.sleep(2000);
            results.put("rebalance: tasks moved", Integer.toString(moves.count()));
            results.put("rebalance: fewest moves possible", Integer.toString(minimum));
        }
    }

    /** The fewest releases that bring {@code held} to ⌊N/M⌋ / ⌈N/M⌉ with one more member: the spare slots go to the fullest. */
    static int minimumMoves(Map<String, Integer> held, int total, int membersAfter) {
        int floor = total / membersAfter;
        int spare = total % membersAfter;
        List<Integer> sorted = new ArrayList<>(held.values());
        sorted.sort((a, b) -> Integer.compare(b, a));
        int moves = 0;
        for (int i = 0; i < sorted.size(); i++) {
            int target = i < spare ? floor + 1 : floor;
            moves += Math.max(0, sorted.get(i) - target);
        }
        return moves;
    }

    /** What each member holds, from the members themselves: polling a range of 30,000 keys would load the store. */
    private Map<String, Integer> holdings() {
        Map<String, Integer> held = new LinkedHashMap<>();
        for (TaskMember member : fleet) {
            try {
                held.put(member.id(), member.status().tasks().size());
            } catch (IllegalStateException busy) {
                return Map.of();
            }
        }
        return held;
    }

    private long revision() {
        return etcd.range(KeyRange.key(NAMESPACE)).join().revision();
    }

    private long proposals() throws IOException, InterruptedException {
        return metric("etcd_server_proposals_committed_total");
    }

    /** One counter of etcd's Prometheus endpoint. */
    private long metric(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(etcdProcess.endpoint() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(line -> line.startsWith(name + " "))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(name.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new IllegalStateException("etcd has no metric " + name));
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not reached within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private static void progress(String what) {
        System.out.printf("%s  %s%n", Instant.now(), what);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String format(double value) {
        return String.format("%.2f", value);
    }

    private void close() {
        for (int i = fleet.size() - 1; i >= 0; i--) {
            fleet.get(i).close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("closing " + resources.get(i) + " failed: " + e);
            }
        }
        etcd.close();
    }

    private record Steady(double writesPerSecond, double keepAlivesPerSecond) {
    }

    /**
     * The baseline: one TTL'd key per task, each refreshed every {@code interval} by a
     * compare-and-swap write at its own phase, as seed 000's task manager does per claimed task.
     */
    private static final class TtlRefresher implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);

        TtlRefresher(Etcd etcd, String prefix, int count, Duration interval) {
            byte[] value = "owner".getBytes(StandardCharsets.UTF_8);
            Semaphore window = new Semaphore(PIPELINE);
            List<CompletableFuture<Long>> created = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                window.acquireUninterruptibly();
                CompletableFuture<Long> put = etcd.put(NAMESPACE + prefix + i, value, 0);
                put.whenComplete((r, e) -> window.release());
                created.add(put);
            }
            CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).join();
            for (int i = 0; i < count; i++) {
                String key = NAMESPACE + prefix + i;
                long phase = ThreadLocalRandom.current().nextLong(interval.toNanos());
                timer.scheduleAtFixedRate(() -> {
                    if (window.tryAcquire()) {
                        etcd.txn(List.of(Compares.present(key)), List.of(Operations.put(key, value, 0)), List.of())
                                .whenComplete((r, e) -> window.release());
                    }
                }, phase, interval.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
