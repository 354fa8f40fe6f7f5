package dev.baton.bench.election;

import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Scenario;
import dev.baton.testkit.EtcdProcess;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * Leader handover after a resignation and after {@code kill -9} of the leader's JVM: Baton's
 * election next to jetcd's election client on the same etcd and to Curator's {@code LeaderLatch}
 * on ZooKeeper, in turns, with sessions that expire {@link ElectionSystem#SESSION_TIMEOUT} after
 * their holder stops (etcd lease TTL 2 s; ZooKeeper session timeout 2,000 ms on a server ticking
 * every {@value #ZOOKEEPER_TICK_MILLIS} ms). See {@link HandoverTrials} for the method.
 */
public final class ElectionScenario implements Scenario {
    private static final String NAME = "election";
    /**
     * ZooKeeper's default tick (2 s) would not allow sessions under 4 s; 500 ms allows 1–10 s and
     * checks expiry as often as etcd checks leases (every 500 ms).
     */
    static final int ZOOKEEPER_TICK_MILLIS = 500;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "leader handover after resign and after kill -9: Baton vs jetcd's Election on the same etcd vs"
                + " Curator's LeaderLatch on ZooKeeper";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int trials = run.size(20, 5);
        EtcdProcess etcd = run.startEtcd();
        TestingServer zooKeeper = run.closeAtEnd(new TestingServer(new InstanceSpec(
                Files.createDirectories(run.workDir().resolve("zookeeper")).toFile(), -1, -1, -1, false, -1,
                ZOOKEEPER_TICK_MILLIS, -1), true));
        List<ElectionSystem> systems = List.of(
                run.closeAtEnd(new BatonElection(etcd.endpoint())),
                run.closeAtEnd(new JetcdElection(etcd.endpoint())),
                run.closeAtEnd(new CuratorElection(zooKeeper.getConnectString())));
        HandoverTrials handoverTrials = new HandoverTrials(systems, trials, run.size(3, 1), line -> run.progress("%s", line));
        List<Handovers> handovers = new ArrayList<>(handoverTrials.resign());
        handovers.addAll(handoverTrials.kill());
        for (Handovers h : handovers) {
            run.samples("handover after " + h.event().label() + " (ms)", h.system(), h.millis());
        }
        return HandoverFigures.of(NAME, handovers);
    }
}
