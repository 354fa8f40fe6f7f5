package dev.baton.bench.tasks;

import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Percentiles;
import dev.baton.bench.Scenario;
import dev.baton.bench.cache.SettledHeap;
import dev.baton.tasks.MemberCommand;
import dev.baton.testkit.EtcdProcess;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Many tasks over many members: 10 members claim and start N tasks (100,000; quick: 10,000),
 * next to N raw single-key transactions on the same etcd just before, as in {@link ClaimScenario};
 * then, with every task running, the heap each member spends per task it caches, the live
 * threads per member, and the store's writes per second at rest.
 *
 * <p>Heap and threads are this JVM's, which runs every member: heap in use after full
 * collections with the N tasks claimed and running, minus the same with the members frozen on an
 * empty namespace, over members × N (each member caches every task); threads with the tasks
 * running minus before the members started, over members.
 */
public final class ScaleScenario implements Scenario {
    private static final String NAME = "scale";
    private static final int MEMBERS = 10;
    /** Room above a member's fair share, so capacity never decides who claims what. */
    private static final int SLACK = 1_000;
    /** Linux's system-wide limits on threads (each takes a pid), and the cgroup's. */

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "10 members claim N tasks next to N raw txns; heap per cached task per member, threads per member"
                + " and store writes/s with every task running";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int tasks = run.size(100_000, 10_000);
        Duration settle = Duration.ofSeconds(run.size(3, 1));
        Duration window = Duration.ofSeconds(run.size(15, 5));
        EtcdProcess etcd = run.startEtcd("--quota-backend-bytes=8589934592");
        TaskFleet fleet = new TaskFleet(run, etcd.endpoint(), capacity(tasks, MEMBERS));
        StoreLoad load = new StoreLoad(etcd, fleet::revision);
        int threadsBefore = liveThreads();
        fleet.startMembers("m", MEMBERS);
        fleet.sendToAll(new MemberCommand.Freeze(), true);
        long heapBefore = SettledHeap.measure();
        run.progress("submitting %,d tasks to frozen members", tasks);
        fleet.submit("job", tasks, Instant.now());
        run.progress("%,d single-key txns, one client", tasks);
        double rawSeconds = SingleKeyTxns.seconds(fleet.etcd(), "raw/", tasks);
        run.progress("claiming");
        double[] sinceStart = fleet.claimAll(tasks, Duration.ofMinutes(30));
        double claimSeconds = Percentiles.of(sinceStart, 1.0);
        run.progress("measuring heap, threads and store load with %,d running tasks", tasks);
        double heapPerTask = perCachedTask(heapBefore, SettledHeap.measure(), MEMBERS, tasks);
        double threads = perMember(threadsBefore, liveThreads(), MEMBERS);
        StoreLoad.Rates rest = load.measure(settle, window);
        String baseline = String.format(Locale.ROOT, "%,d single-key txns, one client, %,d in flight", tasks,
                SingleKeyTxns.IN_FLIGHT);
        return List.of(
                Figure.compared(NAME, String.format(Locale.ROOT, "%d members claim and start %,d tasks", MEMBERS,
                        tasks), "s", claimSeconds, rawSeconds, baseline).withTrials(sinceStart.length)
                        .withPercentiles(Percentiles.median(sinceStart), Percentiles.of(sinceStart, 0.99)),
                Figure.alone(NAME, "heap per cached task per member", "B", heapPerTask),
                Figure.alone(NAME, String.format(Locale.ROOT, "live threads per member, %,d tasks each",
                        tasks / MEMBERS), "threads", threads),
                Figure.alone(NAME, String.format(Locale.ROOT, "store writes/s at rest, %,d running tasks", tasks),
                        "writes/s", rest.writesPerSecond()));
    }

    /** What each member may hold: its fair share, rounded up, plus {@link #SLACK}. */
    static int capacity(int tasks, int members) {
        return (tasks + members - 1) / members + SLACK;
    }

    /** Bytes per task per member, from the heap before and after {@code members} cached {@code tasks}. */
    static double perCachedTask(long heapBefore, long heapAfter, int members, int tasks) {
        if (members < 1 || tasks < 1) {
            throw new IllegalArgumentException("members and tasks must be at least 1, are " + members + " and "
                    + tasks);
        }
        return (double) (heapAfter - heapBefore) / ((double) members * tasks);
    }

    /** Threads each of {@code members} added, from the live threads before and after they ran. */
    static double perMember(int threadsBefore, int threadsAfter, int members) {
        if (members < 1) {
            throw new IllegalArgumentException("members must be at least 1, is " + members);
        }
        return (double) (threadsAfter - threadsBefore) / members;
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
