package dev.baton.bench.tasks;

import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Scenario;
import dev.baton.testkit.EtcdProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Store writes per second at rest with 10 and with N running tasks (10,000; quick: 1,000): five
 * Baton members, whose claims are bound to each member's one session lease, against the
 * per-task-TTL refresher of seed 000 ({@link TtlRefresher}) on the same etcd.
 *
 * <p>Writes are counted as the growth of etcd's revision over a window (15 s; quick: 5 s) after
 * the store settles; lease keep-alives, which do not move the revision, are counted from etcd's
 * metrics. The baseline runs first, before any member starts, so neither disturbs the other.
 */
public final class SteadyLoadScenario implements Scenario {
    private static final String NAME = "steady-load";
    private static final int MEMBERS = 5;
    private static final int FEW = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "store writes/s at rest with 10 and N running tasks: Baton's one lease per member against a"
                + " per-task TTL refresher (seed 000)";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int many = run.size(10_000, 1_000);
        Duration settle = Duration.ofSeconds(run.size(3, 1));
        Duration window = Duration.ofSeconds(run.size(15, 5));
        EtcdProcess etcd = run.startEtcd("--quota-backend-bytes=8589934592");
        TaskFleet fleet = new TaskFleet(run, etcd.endpoint(), many + 100);
        StoreLoad load = new StoreLoad(etcd, fleet::revision);
        String baselineName = String.format(Locale.ROOT, "a lease per task, refreshed every %d s (seed 000)",
                TaskFleet.SESSION_TTL.dividedBy(2).toSeconds());
        int[] counts = {FEW, many};
        StoreLoad.Rates[] baseline = new StoreLoad.Rates[counts.length];
        for (int c = 0; c < counts.length; c++) {
            run.progress("per-task TTL refresher with %,d tasks", counts[c]);
            try (TtlRefresher refresher = new TtlRefresher(fleet.etcd(), "seed-" + counts[c] + "/", counts[c],
                    TaskFleet.SESSION_TTL)) {
                baseline[c] = load.measure(settle, window);
            }
        }
        fleet.startMembers("m", MEMBERS);
        StoreLoad.Rates[] baton = new StoreLoad.Rates[counts.length];
        int submitted = 0;
        for (int c = 0; c < counts.length; c++) {
            run.progress("Baton with %,d running tasks", counts[c]);
            fleet.submit("run" + c, counts[c] - submitted, Instant.now());
            submitted = counts[c];
            int expected = submitted;
            run.await(expected + " tasks running", Duration.ofMinutes(10), () -> fleet.started() >= expected);
            baton[c] = load.measure(settle, window);
        }
        List<Figure> figures = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            figures.add(Figure.compared(NAME, String.format(Locale.ROOT, "store writes/s at rest, %,d running tasks",
                    counts[c]), "writes/s", baton[c].writesPerSecond(), baseline[c].writesPerSecond(), baselineName));
            figures.add(Figure.compared(NAME, String.format(Locale.ROOT, "lease keep-alives/s, %,d running tasks",
                    counts[c]), "1/s", baton[c].keepAlivesPerSecond(), baseline[c].keepAlivesPerSecond(),
                    baselineName));
        }
        return figures;
    }
}
