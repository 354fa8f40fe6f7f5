package dev.baton.bench.tasks;

import dev.baton.bench.BenchRun;
import dev.baton.bench.EmbeddedServerProcess;
import dev.baton.bench.Figure;
import dev.baton.bench.ProcessCpu;
import dev.baton.bench.Scenario;
import dev.baton.tasks.MemberCommand;
import dev.baton.testkit.EtcdProcess;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * End-to-end throughput of short tasks: N no-op tasks (10,000; quick: 1,000) submitted up front,
 * then claimed, run and retired by 4 members, on real etcd and on the embedded server, next to
 * 4 db-scheduler instances on PostgreSQL completing the same N one-time tasks.
 *
 * <p>Each side first completes a warm-up round of its own (2,000 tasks; quick: 200) in a fleet
 * that is then closed, so the timed rounds run compiled code on both sides instead of charging the
 * JIT compiler to whichever side runs first; then three timed rounds (quick: one), each with a new
 * fleet, of which the median rate is reported: the compiler is still at work in the first of them,
 * and a single round on a shared machine can fall on a burst of other work. Submissions are not
 * timed. The time runs from releasing the workers (unfreezing the members; starting the
 * schedulers) to the last completion: a task's done record seen through a watch, a db-scheduler
 * execution's row deleted.
 *
 * <p>Over the same span the scenario takes the CPU time used by this JVM (the members or the
 * schedulers, with the JIT compiler and the garbage collector) and by the store (etcd, the
 * embedded server's JVM, or PostgreSQL with its backends): on a shared machine the rate moves with
 * whatever else runs, the CPU spent on the same work much less.
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
                + " instances on PostgreSQL; rates and CPU per task";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int tasks = run.size(10_000, 1_000);
        int warmUp = run.size(2_000, 200);
        int rounds = run.size(3, 1);
        run.progress("Baton on etcd");
        EtcdProcess etcd = run.startEtcd("--quota-backend-bytes=8589934592");
        Rounds onEtcd = warmThenTime(run, warmUp, rounds, tasks,
                (prefix, n) -> baton(run, etcd.endpoint(), etcd.pid(), prefix, n));
        etcd.close();
        run.progress("Baton on the embedded server");
        EmbeddedServerProcess embedded = run.startEmbeddedServer("-Xmx2g");
        Rounds onEmbedded = warmThenTime(run, warmUp, rounds, tasks,
                (prefix, n) -> baton(run, embedded.endpoint(), embedded.pid(), prefix, n));
        embedded.close();
        run.progress("db-scheduler on PostgreSQL");
        String[] versions = new String[1];
        Rounds dbScheduler;
        try (PostgresProcess postgres = run.closeAtEnd(PostgresProcess.start())) {
            dbScheduler = warmThenTime(run, warmUp, rounds, tasks, (prefix, n) -> {
                try (DbSchedulerFleet fleet = new DbSchedulerFleet(postgres.jdbcUrl(), PostgresProcess.USER, WORKERS,
                        CONCURRENCY, POLLING_INTERVAL)) {
                    versions[0] = fleet.versions();
                    return dbScheduler(run, fleet, postgres.pid(), prefix, n);
                }
            });
        }

        String baseline = String.format(Locale.ROOT, "%d instances of %s", WORKERS, versions[0]);
        String cpuBaseline = baseline + ": this JVM + PostgreSQL";
        return List.of(
                Figure.compared(NAME, String.format(Locale.ROOT, "%d members on etcd complete %,d tasks", WORKERS,
                        tasks), "tasks/s", onEtcd.rate(tasks), dbScheduler.rate(tasks), baseline),
                Figure.compared(NAME, String.format(Locale.ROOT, "%d members on the embedded server complete %,d"
                        + " tasks", WORKERS, tasks), "tasks/s", onEmbedded.rate(tasks), dbScheduler.rate(tasks),
                        baseline),
                Figure.compared(NAME, "CPU per 1,000 tasks on etcd: this JVM + etcd (lower is better)", "core-ms",
                        onEtcd.cpuPerThousand(tasks), dbScheduler.cpuPerThousand(tasks), cpuBaseline),
                Figure.compared(NAME, "CPU per 1,000 tasks on the embedded server: this JVM + the server's JVM"
                        + " (lower is better)", "core-ms", onEmbedded.cpuPerThousand(tasks),
                        dbScheduler.cpuPerThousand(tasks), cpuBaseline),
                Figure.compared(NAME, "of which this JVM, on etcd (lower is better)", "core-ms",
                        onEtcd.clientCpuPerThousand(tasks), dbScheduler.clientCpuPerThousand(tasks),
                        baseline + ": this JVM"));
    }

    /** A timed round: its seconds and the CPU this JVM and the store used over them. */
    private record Round(double seconds, Duration clientCpu, Duration storeCpu) {
    }

    /** A side's timed rounds of {@code tasks} tasks each: the median rate, the CPU over all of them. */
    private record Rounds(List<Round> rounds) {
        double rate(int tasks) {
            double[] seconds = rounds.stream().mapToDouble(Round::seconds).sorted().toArray();
            return tasks / seconds[seconds.length / 2];
        }

        double cpuPerThousand(int tasks) {
            return perThousand(rounds.stream().map(round -> round.clientCpu().plus(round.storeCpu())), tasks);
        }

        double clientCpuPerThousand(int tasks) {
            return perThousand(rounds.stream().map(Round::clientCpu), tasks);
        }

        private double perThousand(Stream<Duration> cpu, int tasks) {
            return cpu.reduce(Duration.ZERO, Duration::plus).toNanos() / 1e6 * 1000 / ((double) tasks * rounds.size());
        }
    }

    /** One round of a side: a fleet of its own completes {@code tasks} tasks named {@code <prefix>-N}. */
    @FunctionalInterface
    private interface Side {
        Round complete(String prefix, int tasks) throws Exception;
    }

    /** Completes a warm-up round of {@code warmUp} tasks, then times {@code rounds} rounds of {@code tasks}. */
    private static Rounds warmThenTime(BenchRun run, int warmUp, int rounds, int tasks, Side side) throws Exception {
        run.progress("warm-up: %,d tasks", warmUp);
        side.complete("warm", warmUp);
        List<Round> timed = new ArrayList<>(rounds);
        for (int i = 1; i <= rounds; i++) {
            run.progress("timed round %d of %d", i, rounds);
            timed.add(side.complete("job" + i, tasks));
        }
        return new Rounds(timed);
    }

    /** {@link #WORKERS} members on {@code endpoint} (the store's process {@code storePid}) complete {@code tasks} tasks. */
    private static Round baton(BenchRun run, String endpoint, long storePid, String prefix, int tasks)
            throws Exception {
        try (TaskFleet fleet = new TaskFleet(run, endpoint, CONCURRENCY, TaskFleet.Work.NONE)) {
            fleet.startMembers("m", WORKERS);
            fleet.sendToAll(new MemberCommand.Freeze(), true);
            run.progress("submitting %,d tasks to frozen members", tasks);
            fleet.submit(prefix, tasks, Instant.now());
            try (DoneCounter done = new DoneCounter(fleet.etcd(), TaskFleet.NAMESPACE)) {
                run.progress("completing");
                Meter meter = new Meter(storePid);
                fleet.sendToAll(new MemberCommand.Unfreeze(), false);
                return meter.awaitAll(run, tasks, done::count, done::lastNanos);
            }
        }
    }

    /** {@link #WORKERS} db-scheduler instances on PostgreSQL (postmaster {@code storePid}) complete {@code tasks} one-time tasks. */
    private static Round dbScheduler(BenchRun run, DbSchedulerFleet fleet, long storePid, String prefix, int tasks)
            throws InterruptedException {
        try {
            fleet.createTableIfAbsent();
            run.progress("scheduling %,d one-time tasks", tasks);
            fleet.schedule(prefix, tasks);
            run.progress("completing");
            Meter meter = new Meter(storePid);
            fleet.start();
            Round round = meter.awaitAll(run, tasks, fleet::completed, fleet::lastNanos);
            long left = fleet.remaining();
            if (left != 0) {
                throw new IllegalStateException(tasks + " completions counted but " + left
                        + " executions are still in db-scheduler's table");
            }
            return round;
        } catch (SQLException e) {
            throw new IllegalStateException("db-scheduler's database failed: " + e.getMessage(), e);
        }
    }

    /** The clock and the CPU counters of one round, started when it is built. */
    private static final class Meter {
        private final long storePid;
        private final long start = System.nanoTime();
        private final Duration clientCpu = ProcessCpu.thisJvm();
        private final Duration storeCpu;

        Meter(long storePid) {
            this.storePid = storePid;
            this.storeCpu = ProcessCpu.tree(storePid);
        }

        /** Waits until {@code completed} reaches {@code tasks}; the round ends at the last completion. */
        Round awaitAll(BenchRun run, int tasks, IntSupplier completed, LongSupplier last) throws InterruptedException {
            run.await(tasks + " tasks completed", TIMEOUT, () -> completed.getAsInt() >= tasks);
            Duration client = ProcessCpu.thisJvm().minus(clientCpu);
            Duration store = ProcessCpu.tree(storePid).minus(storeCpu);
            return new Round((last.getAsLong() - start) / 1e9, client, store);
        }
    }
}
