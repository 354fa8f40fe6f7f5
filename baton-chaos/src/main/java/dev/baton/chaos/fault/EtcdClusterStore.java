package dev.baton.chaos.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.testkit.EtcdCluster;
import dev.baton.testkit.EtcdProcess;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A three-member etcd cluster (Debian's etcd), with the leader as the fault target. Members reach
 * each other through a {@link PeerProxy} each, so one can be partitioned from the others.
 */
public final class EtcdClusterStore implements StoreTarget {

    /**
     * A leader election (1 s election timeout, longer on a busy machine) and clients moving their
     * requests to another member; measured up to 7.4 s beyond the outage on two shared cores.
     */
    private static final Duration FAILOVER = Duration.ofSeconds(8);
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EtcdCluster cluster;
    /** The proxy in front of each member, by the peer port the member listens on. */
    private final Map<Integer, PeerProxy> peerProxies;

    private EtcdClusterStore(EtcdCluster cluster, Map<Integer, PeerProxy> peerProxies) {
        this.cluster = cluster;
        this.peerProxies = peerProxies;
    }

    public static EtcdClusterStore start() {
        Map<Integer, PeerProxy> proxies = new ConcurrentHashMap<>();
        try {
            EtcdCluster cluster = EtcdCluster.builder().members(3).startTimeout(Duration.ofSeconds(90))
                    .peerFront(port -> proxies.computeIfAbsent(port, PeerProxy::start).port())
                    .start();
            return new EtcdClusterStore(cluster, proxies);
        } catch (RuntimeException e) {
            proxies.values().forEach(PeerProxy::close);
            throw e;
        }
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

    /**
     * Cuts {@code member} off from its peers in both directions (it still serves its clients):
     * its own proxy refuses everyone, the others refuse it.
     */
    void isolate(EtcdProcess member) {
        String id = memberId(member);
        for (EtcdProcess each : cluster.members()) {
            peerProxies.get(each.peerPort()).refuse(each == member ? sender -> true : id::equals);
        }
    }

    /**
     * Waits until a member other than {@code old} leads: the majority side of a partition has
     * elected its own leader.
     */
    EtcdProcess awaitOtherLeader(EtcdProcess old) throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            EtcdProcess leader = leader();
            if (leader != old) {
                return leader;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the partition of " + old.name() + " did not take: no other member led within "
                + LEADER_WAIT);
    }

    /** Ends every partition. */
    void healPartitions() {
        peerProxies.values().forEach(PeerProxy::heal);
    }

    /** The member's raft id in hex, as its peers name it. */
    private static String memberId(EtcdProcess member) {
        String decimal = status(member).path("header").path("member_id").asText();
        try {
            return new BigInteger(decimal).toString(16);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("cannot read the member id of " + member.name() + ": " + e, e);
        }
    }

    /** The raft term {@code member} is in. */
    long term(EtcdProcess member) {
        return status(member).path("raftTerm").asLong();
    }

    /**
     * Waits until every member names the same leader, and returns the raft term they agree on:
     * after a heal, the term tells whether the isolated member's return cost an election. One
     * {@code etcdctl endpoint status} over every member per look, 100 ms apart.
     */
    long awaitAgreedLeader() throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                JsonNode members = JSON.readTree(cluster.etcdctl("endpoint", "status", "-w", "json"));
                Set<String> leaders = new HashSet<>();
                Set<Long> terms = new HashSet<>();
                for (JsonNode member : members) {
                    leaders.add(member.path("Status").path("leader").asText());
                    terms.add(member.path("Status").path("raftTerm").asLong());
                }
                if (members.size() == cluster.size() && leaders.size() == 1 && !leaders.contains("0")
                        && terms.size() == 1) {
                    return terms.iterator().next();
                }
            } catch (IOException | RuntimeException e) {
                // A member not answering yet: ask again.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the etcd members did not agree on a leader within " + LEADER_WAIT);
    }

    /** The {@code Status} object {@code etcdctl endpoint status} prints for {@code member}. */
    private static JsonNode status(EtcdProcess member) {
        try {
            return JSON.readTree(member.etcdctl("endpoint", "status", "-w", "json")).path(0).path("Status");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the status of " + member.name() + ": " + e, e);
        }
    }

    /** Waits until every running member is healthy. */
    void awaitHealthy() {
        cluster.awaitHealthy(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } finally {
            peerProxies.values().forEach(PeerProxy::close);
        }
    }
}
