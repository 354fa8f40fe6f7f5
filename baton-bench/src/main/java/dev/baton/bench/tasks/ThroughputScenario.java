package dev.baton.bench.tasks;

import dev.baton.bench.BenchRun;
import dev.baton.bench.EmbeddedServerProcess;
import dev.baton.bench.Figure;
import dev.baton.bench.Scenario;
import dev.baton.tasks.MemberCommand;
import dev.baton.testkit.EtcdProcess;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * End-to-end throughput of short tasks: N no-op tasks (10,000; quick: 1,000) submitted up front,
 * then claimed, run and retired by 4 members, on real etcd and on the embedded server, next to
 * 4 db-scheduler instances on PostgreSQL completing the same N one-time tasks.
 *
 * <p>Submissions are not timed. The time runs from releasing the workers (unfreezing the
 * members; starting the schedulers) to the last completion: a task's done record seen through a
 * watch, a db-scheduler execution's row deleted.
 */
public final class ThroughputScenario implements Scenario {
    private static final String NAME = "throughput";
    private static final int WORKERS = 4;
    /** Tasks a worker runs at once: a member's {@code maxConcurrentTasks}, a scheduler's threads. */
    private static final int CONCURRENCY = 16;
    private static final Duration POLLING_INTERVAL = Duration.ofMillis(50);
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "4 members complete N short tasks end to end (etcd, embedded server), next to 4 db-scheduler"
                + " instances on PostgreSQL";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int tasks = run.size(10_000, 1_000);
        run.progress("Baton on etcd");
        EtcdProcess etcd = run.startEtcd("--quota-backend-bytes=8589934592");
        double onEtcd = baton(run, etcd.endpoint(), tasks);
        etcd.close();
        run.progress("Baton on the embedded server");
        EmbeddedServerProcess embedded = run.startEmbeddedServer("-Xmx2g");
        double onEmbedded = baton(run, embedded.endpoint(), tasks);
        embedded.close();
        run.progress("db-scheduler on PostgreSQL");
        Baseline dbScheduler = dbScheduler(run, tasks);

        String baseline = String.format(Locale.ROOT, "%d instances of %s", WORKERS, dbScheduler.versions());
        double baselineRate = tasks / dbScheduler.seconds();
        return List.of(
                Figure.compared(NAME, String.format(Locale.ROOT, "%d members on etcd complete %,d tasks", WORKERS,
                        tasks), "tasks/s", tasks / onEtcd, baselineRate, baseline),
                Figure.compared(NAME, String.format(Locale.ROOT, "%d members on the embedded server complete %,d"
                        + " tasks", WORKERS, tasks), "tasks/s", tasks / onEmbedded, baselineRate, baseline));
    }

    /** Seconds for {@link #WORKERS} members on {@code endpoint} to complete {@code tasks} tasks. */
    private static double baton(BenchRun run, String endpoint, int tasks) throws Exception {
        try (TaskFleet fleet = new TaskFleet(run, endpoint, CONCURRENCY, TaskFleet.Work.NONE)) {
            fleet.startMembers("m", WORKERS);
            fleet.sendToAll(new MemberCommand.Freeze(), true);
            run.progress("submitting %,d tasks to frozen members", tasks);
            fleet.submit("job", tasks, Instant.now());
            try (DoneCounter done = new DoneCounter(fleet.etcd(), TaskFleet.NAMESPACE)) {
                run.progress("completing");
                long start = System.nanoTime();
                fleet.sendToAll(new MemberCommand.Unfreeze(), false);
                return awaitAll(run, tasks, start, done::count, done::lastNanos);
            }
        }
    }

    /** How long db-scheduler took, and which versions of it and of PostgreSQL. */
    private record Baseline(double seconds, String versions) {
    }

    /** Seconds for {@link #WORKERS} db-scheduler instances to complete {@code tasks} one-time tasks. */
    private static Baseline dbScheduler(BenchRun run, int tasks) throws Exception {
        try (PostgresProcess postgres = run.closeAtEnd(PostgresProcess.start());
                DbSchedulerFleet fleet = new DbSchedulerFleet(postgres.jdbcUrl(), PostgresProcess.USER, WORKERS,
                        CONCURRENCY, POLLING_INTERVAL)) {
            fleet.createTable();
            run.progress("scheduling %,d one-time tasks", tasks);
            fleet.schedule("job", tasks);
            run.progress("completing");
            long start = System.nanoTime();
            fleet.start();
            double seconds = awaitAll(run, tasks, start, fleet::completed, fleet::lastNanos);
            long left = fleet.remaining();
            if (left != 0) {
                throw new IllegalStateException(tasks + " completions counted but " + left
                        + " executions are still in db-scheduler's table");
            }
            return new Baseline(seconds, fleet.versions());
        } catch (SQLException e) {
            throw new IllegalStateException("db-scheduler's database failed: " + e.getMessage(), e);
        }
    }

    private static double awaitAll(BenchRun run, int tasks, long start, IntSupplier completed, LongSupplier last)
            throws InterruptedException {
        run.await(tasks + " tasks completed", TIMEOUT, () -> completed.getAsInt() >= tasks);
        return (last.getAsLong() - start) / 1e9;
    }
}
