package dev.baton.bench.tasks;

import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Scenario;
import dev.baton.testkit.EtcdProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Five members hold N running tasks (10,000; quick: 1,000); a sixth joins, then one leaves
 * gracefully. For each change: the tasks that moved (claims made after it) against the fewest
 * possible, computed from the counts before it ({@link MinimumMoves}), and the time until every
 * member holds ⌊N/M⌋ or ⌈N/M⌉.
 */
public final class RebalanceScenario implements Scenario {
    private static final String NAME = "rebalance";
    private static final int MEMBERS = 5;
    private static final String FEWEST = "fewest possible, from the counts";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "tasks moved and time to balance when a member joins and when one leaves N running tasks, next to"
                + " the fewest moves possible";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int tasks = run.size(10_000, 1_000);
        EtcdProcess etcd = run.startEtcd("--quota-backend-bytes=8589934592");
        TaskFleet fleet = new TaskFleet(run, etcd.endpoint(), tasks + 100);
        fleet.startMembers("m", MEMBERS);
        run.progress("%d members claim %,d tasks", MEMBERS, tasks);
        fleet.submit("job", tasks, Instant.now());
        run.await("the first " + MEMBERS + " members balanced", Duration.ofMinutes(10), () -> fleet.balanced(tasks));
        List<Figure> figures = new ArrayList<>();

        run.progress("a member joins");
        Map<String, Integer> before = holdings(run, fleet);
        int fewest = MinimumMoves.of(before.values(), tasks, MEMBERS + 1);
        figures.addAll(change(run, fleet, tasks, "joins", fewest, () -> fleet.startMember("m" + (MEMBERS + 1))));

        run.progress("a member leaves");
        before = holdings(run, fleet);
        before.remove("m1");
        fewest = MinimumMoves.of(before.values(), tasks, MEMBERS);
        figures.addAll(change(run, fleet, tasks, "leaves", fewest, () -> fleet.stopMember("m1")));
        return figures;
    }

    /** What each member holds, asked until every member answers. */
    private static Map<String, Integer> holdings(BenchRun run, TaskFleet fleet) throws InterruptedException {
        Map<String, Integer> held = new HashMap<>();
        run.await("every member reports its tasks", Duration.ofMinutes(1), () -> {
            held.putAll(fleet.holdings());
            return !held.isEmpty();
        });
        return held;
    }

    /** A change of membership and its figures. */
    @FunctionalInterface
    private interface Change {
        void apply() throws Exception;
    }

    private static List<Figure> change(BenchRun run, TaskFleet fleet, int tasks, String verb, int fewest,
            Change change) throws Exception {
        try (ClaimCounter claims = new ClaimCounter(fleet.etcd(), TaskFleet.NAMESPACE)) {
            long start = System.nanoTime();
            change.apply();
            run.await("balanced after a member " + verb, Duration.ofMinutes(10), () -> fleet.balanced(tasks));
            double seconds = (System.nanoTime() - start) / 1e9;
            // Claims still on their way would show as a later imbalance; a last look settles the count.
            run.await("every claim seen", Duration.ofSeconds(30), () -> claims.count() >= fewest);
            return List.of(
                    Figure.compared(NAME, String.format(Locale.ROOT, "tasks moved when a member %s (%,d tasks)",
                            verb, tasks), "tasks", claims.count(), fewest, FEWEST),
                    Figure.alone(NAME, String.format(Locale.ROOT, "time until balanced after a member %s", verb),
                            "s", seconds));
        }
    }
}
