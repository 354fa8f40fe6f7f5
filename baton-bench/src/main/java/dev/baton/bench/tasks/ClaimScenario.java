package dev.baton.bench.tasks;

import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Percentiles;
import dev.baton.bench.Scenario;
import dev.baton.tasks.MemberCommand;
import dev.baton.testkit.EtcdProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How fast 5 members claim and start N tasks (10,000; quick: 1,000), next to the physical limit:
 * N single-key transactions from one client on the same etcd, measured just before the claims.
 *
 * <p>The members run from the start and follow the namespace, frozen (not claiming) while the
 * tasks are submitted and the raw transactions run; the claim time runs from sending them the
 * unfreeze command to the last handler start, so it contains neither the submissions nor the
 * members' own start.
 */
public final class ClaimScenario implements Scenario {
    private static final String NAME = "claim";
    private static final int MEMBERS = 5;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "5 members claim and start N tasks, next to N raw single-key txns from one client (the physical"
                + " limit)";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int tasks = run.size(10_000, 1_000);
        EtcdProcess etcd = run.startEtcd("--quota-backend-bytes=8589934592");
        TaskFleet fleet = new TaskFleet(run, etcd.endpoint(), tasks + 100);
        StoreLoad load = new StoreLoad(etcd, fleet::revision);
        fleet.startMembers("m", MEMBERS);
        fleet.sendToAll(new MemberCommand.Freeze(), true);
        run.progress("submitting %,d tasks to frozen members", tasks);
        double submitSeconds = fleet.submit("job", tasks, Instant.now());
        run.progress("%,d single-key txns, one client", tasks);
        double rawSeconds = SingleKeyTxns.seconds(fleet.etcd(), "raw/", tasks);
        long proposalsBefore = load.proposals();
        run.progress("claiming");
        double[] sinceStart = fleet.claimAll(tasks, Duration.ofMinutes(10));
        double claimSeconds = Percentiles.of(sinceStart, 1.0);
        double transactionsPerTask = (double) (load.proposals() - proposalsBefore) / tasks;
        String baseline = String.format(Locale.ROOT, "%,d single-key txns, one client, %,d in flight", tasks,
                SingleKeyTxns.IN_FLIGHT);
        return List.of(
                Figure.compared(NAME, String.format(Locale.ROOT, "%d members claim and start %,d tasks", MEMBERS,
                        tasks), "s", claimSeconds, rawSeconds, baseline).withTrials(sinceStart.length)
                        .withPercentiles(Percentiles.median(sinceStart), Percentiles.of(sinceStart, 0.99)),
                Figure.compared(NAME, "store transactions per claimed task", "txns", transactionsPerTask, 1,
                        "one txn per key"),
                Figure.compared(NAME, String.format(Locale.ROOT, "submitAll of %,d tasks", tasks), "s",
                        submitSeconds, rawSeconds, baseline));
    }
}
