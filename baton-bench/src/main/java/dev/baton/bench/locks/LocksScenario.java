package dev.baton.bench.locks;

import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Scenario;
import dev.baton.testkit.EtcdProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * Mutex latency: uncontended acquire+release and handover to a waiter, for Baton's {@code Mutex}
 * next to jetcd's lock client (etcd's server-side lock service) on the same etcd and Curator's
 * {@code InterProcessMutex} on ZooKeeper, the systems taking their trials in turns. See {@link LockTrials} for the method.
 */
public final class LocksScenario implements Scenario {
    static final Duration SESSION_TTL = Duration.ofSeconds(10);
    private static final String NAME = "locks";
    private static final int ZOOKEEPER_TICK_MILLIS = 500;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "mutex acquire+release and handover latency: Baton vs jetcd's Lock on the same etcd vs"
                + " Curator's InterProcessMutex on ZooKeeper";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        EtcdProcess etcd = run.startEtcd();
        TestingServer zooKeeper = run.closeAtEnd(new TestingServer(new InstanceSpec(
                Files.createDirectories(run.workDir().resolve("zookeeper")).toFile(), -1, -1, -1, false, -1,
                ZOOKEEPER_TICK_MILLIS, -1), true));
        List<LockSystem> systems = List.of(new BatonLocks(etcd.endpoint()), new JetcdLocks(etcd.endpoint()),
                new CuratorLocks(zooKeeper.getConnectString()));
        int uncontendedTrials = run.size(500, 50);
        int handoverTrials = run.size(30, 5);
        // Each client's lock path runs compiled: on this machine the JIT compiler kept working for
        // several thousand cycles (jetcd's CPU per cycle settled after 5,000 to 7,000, Baton's too).
        run.progress("%d uncontended lock+unlock per system, in turns", uncontendedTrials);
        Map<String, double[]> uncontended = LockTrials.uncontended(systems, "bench/uncontended", run.size(6_000, 5),
                uncontendedTrials);
        run.progress("%d handovers per system, in turns", handoverTrials);
        Map<String, double[]> handover = LockTrials.handover(systems, "bench/handover", run.size(30, 1), handoverTrials);
        String baton = systems.get(0).displayName();
        uncontended.forEach((system, millis) -> run.samples("acquire+release, uncontended (ms)", system, millis));
        handover.forEach((system, millis) -> run.samples("handover to a waiter (ms)", system, millis));
        List<Figure> figures = new ArrayList<>(LockFigures.of(NAME, "acquire+release, uncontended", baton, uncontended));
        figures.addAll(LockFigures.of(NAME, "handover to a waiter", baton, handover));
        return figures;
    }
}
