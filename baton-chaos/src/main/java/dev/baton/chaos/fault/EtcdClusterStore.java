package dev.baton.chaos.fault;

import dev.baton.testkit.EtcdCluster;
import dev.baton.testkit.EtcdProcess;
import java.time.Duration;
import java.util.List;

/** A three-member etcd cluster (Debian's etcd), with the leader as the fault target. */
public final class EtcdClusterStore implements StoreTarget {

    /**
     * A leader election (1 s election timeout, longer on a busy machine) and clients moving their
     * requests to another member; measured up to 7.4 s beyond the outage on two shared cores.
     */
    private static final Duration FAILOVER = Duration.ofSeconds(8);
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    private final EtcdCluster cluster;

    private EtcdClusterStore(EtcdCluster cluster) {
        this.cluster = cluster;
    }

    public static EtcdClusterStore start() {
        return new EtcdClusterStore(EtcdCluster.builder().members(3).startTimeout(Duration.ofSeconds(90)).start());
    }

    @Override
    public List<String> endpoints() {
        return cluster.endpoints();
    }

    @Override
    public List<Integer> ports() {
        return cluster.members().stream().map(EtcdProcess::clientPort).toList();
    }

    @Override
    public Duration failoverAllowance() {
        return FAILOVER;
    }

    /** The current leader, waiting for an election to finish when none leads. */
    EtcdProcess leader() throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            int index = cluster.leaderIndex();
            if (index >= 0) {
                return cluster.member(index);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no etcd member led within " + LEADER_WAIT);
    }

    /** Waits until every running member is healthy. */
    void awaitHealthy() {
        cluster.awaitHealthy(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        cluster.close();
    }
}
