package dev.baton.bench.tasks;

import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Percentiles;
import dev.baton.bench.Scenario;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import dev.baton.schedule.MisfirePolicy;
import dev.baton.schedule.Scheduler;
import dev.baton.schedule.Schedules;
import dev.baton.schedule.Trigger;
import dev.baton.session.Session;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdProcess;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * N schedules (1,000; quick: 100) firing every second on 3 members, each running a
 * {@link Scheduler} (one of them elected) and a {@link TaskMember} whose handler records when it
 * starts and returns at once. Over a window (20 s; quick: 5 s) after a warm-up: the fire-time lag
 * from each scheduled instant to its task's handler start, p50/p99, next to the goal of 100 ms
 * plus one transaction round trip on the same etcd, and to the task's creation (its spec seen
 * through a watch), which splits the lag between the scheduler and the claim; store writes per
 * fire: every key the fleet put or deleted in the window (the fire, the claim, the task's state,
 * its retirement, the members' and the leader's own keys; counted through a watch on the whole
 * namespace), and the transactions (store revisions) those writes took, both divided by the fire
 * times of the window; fire times of the window whose task had not started 10 s (quick: 3 s) after
 * it.
 */
public final class ScheduleScenario implements Scenario {
    private static final String NAME = "schedule";
    private static final int MEMBERS = 3;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "N schedules every second on 3 members: fire-time lag p50/p99 to the handler start, store writes per"
                + " fire, next to 100 ms plus one txn round trip";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int schedules = run.size(1_000, 100);
        Duration warmUp = Duration.ofSeconds(run.quick() ? 3 : 5);
        Duration window = Duration.ofSeconds(run.quick() ? 5 : 20);
        Duration grace = Duration.ofSeconds(run.quick() ? 3 : 10);
        EtcdProcess etcd = run.startEtcd("--quota-backend-bytes=8589934592");
        Etcd client = run.closeAtEnd(TaskFleet.connect(etcd.endpoint()));
        double roundTripMs = roundTripMillis(client, 200);

        Map<String, Instant> starts = new ConcurrentHashMap<>();
        Map<String, Instant> created = new ConcurrentHashMap<>();
        Map<Long, Integer> writesAt = new ConcurrentHashMap<>();
        run.closeAtEnd(client.watch(KeyRange.prefix(TaskFleet.NAMESPACE), revision(client) + 1,
                new WatchListener() {
                    @Override
                    public void onEvents(List<WatchEvent> events) {
                        Instant now = Instant.now();
                        for (WatchEvent event : events) {
                            writesAt.merge(event.modRevision(), 1, Integer::sum);
                            String key = event.key();
                            if (event.type() == WatchEvent.Type.PUT && key.startsWith(TaskFleet.NAMESPACE + "tasks/")
                                    && key.endsWith("/spec")) {
                                created.putIfAbsent(key.substring(key.indexOf("tasks/") + 6, key.length() - 5), now);
                            }
                        }
                    }

                    @Override
                    public void onCompacted(long compactRevision) {
                        throw new IllegalStateException("the benchmark's etcd compacted at " + compactRevision);
                    }
                }));
        for (int i = 1; i <= MEMBERS; i++) {
            startMember(run, etcd.endpoint(), "m" + i, starts);
        }
        run.progress("creating %,d schedules, every second", schedules);
        Schedules store = Schedules.create(client, TaskFleet.NAMESPACE);
        for (int i = 0; i < schedules; i++) {
            store.create("s" + i, new Trigger.FixedRate(Duration.ofSeconds(1)), MisfirePolicy.fireOnce(),
                    TaskProperties.empty());
        }
        Thread.sleep(warmUp.toMillis());
        run.progress("measuring for %d s", window.toSeconds());
        Instant from = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        Thread.sleep(Duration.between(Instant.now(), from).toMillis());
        long revision0 = revision(client);
        Thread.sleep(window.toMillis());
        long revision1 = revision(client);
        Instant until = from.plus(window);
        Thread.sleep(grace.toMillis());

        long expected = schedules * window.toSeconds();
        double[] lag = lagsInWindow(starts, from, until);
        double[] createLag = lagsInWindow(created, from, until);
        run.samples("fire-time lag (ms)", "to the handler start", lag);
        run.samples("fire-time lag (ms)", "to the task's creation", createLag);
        double goal = 100 + roundTripMs;
        return List.of(
                Figure.compared(NAME, String.format(Locale.ROOT, "fire-time lag p50, %,d schedules every 1 s, %d members",
                        schedules, MEMBERS), "ms", Percentiles.median(lag), goal,
                        String.format(Locale.ROOT, "goal: 100 ms + one txn round trip (%.1f ms)", roundTripMs))
                        .withTrials(lag.length).withPercentiles(Percentiles.median(lag), Percentiles.of(lag, 0.99)),
                Figure.compared(NAME, "fire-time lag p99", "ms", Percentiles.of(lag, 0.99), goal,
                        "goal: 100 ms + one txn round trip"),
                Figure.alone(NAME, "fire-time lag to the task's creation (seen through a watch), p50", "ms",
                        Percentiles.median(createLag)).withTrials(createLag.length)
                        .withPercentiles(Percentiles.median(createLag), Percentiles.of(createLag, 0.99)),
                Figure.alone(NAME, "store writes per fire: keys put or deleted (fire, claim, state, retirement)",
                        "writes", (double) writesBetween(writesAt, revision0, revision1) / expected),
                Figure.alone(NAME, "store transactions per fire (revisions; the writes travel batched)", "txns",
                        (double) (revision1 - revision0) / expected),
                Figure.alone(NAME, String.format(Locale.ROOT, "fire times of the window without a started task, of %,d",
                        expected), "fires", expected - lag.length));
    }

    private static void startMember(BenchRun run, String endpoint, String id, Map<String, Instant> starts) {
        Etcd connection = run.closeAtEnd(TaskFleet.connect(endpoint));
        Session session = run.closeAtEnd(Session.builder(connection).ttl(TaskFleet.SESSION_TTL).open());
        run.closeAtEnd(TaskMember.builder(session, id).namespace(TaskFleet.NAMESPACE).maxConcurrentTasks(256)
                .claimAhead(256).asyncHandler(context -> {
                    starts.putIfAbsent(context.id().value(), Instant.now());
                    return CompletableFuture.completedFuture(null);
                }).start());
        run.closeAtEnd(Scheduler.builder(session, TaskFleet.NAMESPACE, id).start());
    }

    /** Milliseconds from each fire time in {@code [from, until)} to its instant in {@code seen} (task id → instant). */
    private static double[] lagsInWindow(Map<String, Instant> seen, Instant from, Instant until) {
        List<Double> lags = new ArrayList<>();
        seen.forEach((id, at) -> {
            Instant fire = Instant.parse(id.substring(id.indexOf('@') + 1));
            if (!fire.isBefore(from) && fire.isBefore(until)) {
                lags.add(Duration.between(fire, at).toNanos() / 1e6);
            }
        });
        return lags.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The keys written at revisions in {@code (from, to]}, of {@code writesAt} (revision → keys written). */
    private static long writesBetween(Map<Long, Integer> writesAt, long from, long to) {
        return writesAt.entrySet().stream().filter(e -> e.getKey() > from && e.getKey() <= to)
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** The store's revision: every put, delete and successful txn moves it by one. */
    private static long revision(Etcd etcd) {
        return etcd.range(KeyRange.key(TaskFleet.NAMESPACE)).join().revision();
    }

    /** The median of {@code count} sequential single-key transactions {@code absent(k) → put(k)}, in ms. */
    private static double roundTripMillis(Etcd etcd, int count) {
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            String key = "rtt/" + i;
            long start = System.nanoTime();
            etcd.txn(List.of(Compares.absent(key)), List.of(Operations.put(key, "x", 0)), List.of()).join();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return Percentiles.median(millis);
    }
}
