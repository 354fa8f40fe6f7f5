package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdClusterTest {

    private static final Duration ELECTION = Duration.ofSeconds(30);

    @RegisterExtension
    final EtcdClusterExtension etcd = new EtcdClusterExtension();

    private static String getLocally(EtcdProcess member, String key) {
        // Serializable reads answer from the member's own state, so they show what it has applied.
        return member.etcdctl("get", key, "--consistency=s", "--print-value-only").trim();
    }

    @Test
    void threeMembersFormOneClusterWithOneLeader() {
        EtcdCluster cluster = etcd.cluster();

        assertThat(cluster.endpoints()).hasSize(3).doesNotHaveDuplicates();
        assertThat(cluster.etcdctl("member", "list").lines()).hasSize(3);
        await().atMost(ELECTION).until(() -> cluster.leaderIndex() >= 0);
    }

    @Test
    void peersReachEachOtherThroughTheirFronts() {
        List<TcpProxy> fronts = new CopyOnWriteArrayList<>();
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).peerFront(port -> {
            TcpProxy front = TcpProxy.start("127.0.0.1", port);
            fronts.add(front);
            return front.port();
        }).start()) {
            cluster.member(0).etcdctl("put", "k", "replicated");

            String members = cluster.etcdctl("member", "list");
            for (TcpProxy front : fronts) {
                assertThat(members).contains(front.endpoint());
            }
            await().atMost(ELECTION).until(() -> getLocally(cluster.member(2), "k").equals("replicated"));
            assertThat(fronts).allSatisfy(front -> assertThat(front.openConnections()).isPositive());
        } finally {
            fronts.forEach(TcpProxy::close);
        }
    }

    @Test
    void writesSucceedOnTheOthersWhenOneMemberIsKilled() {
        EtcdCluster cluster = etcd.cluster();

        cluster.member(0).kill();
        // Had member 0 led, the other two first elect a new leader.
        cluster.awaitHealthy(ELECTION);

        cluster.member(1).etcdctl("put", "k", "survives");
        assertThat(cluster.member(2).etcdctl("get", "k", "--print-value-only").trim()).isEqualTo("survives");
    }

    @Test
    void killingTheLeaderElectsAnotherMember() {
        EtcdCluster cluster = etcd.cluster();
        await().atMost(ELECTION).until(() -> cluster.leaderIndex() >= 0);
        int oldLeader = cluster.leaderIndex();

        cluster.member(oldLeader).kill();

        await().atMost(ELECTION).until(() -> {
            int leader = cluster.leaderIndex();
            return leader >= 0 && leader != oldLeader;
        });
    }

    @Test
    void restartedMemberRejoinsAndCatchesUp() {
        EtcdCluster cluster = etcd.cluster();
        cluster.member(2).kill();
        cluster.awaitHealthy(ELECTION);
        cluster.member(0).etcdctl("put", "while-down", "caught-up");

        cluster.member(2).restart();

        await().atMost(ELECTION).until(() -> getLocally(cluster.member(2), "while-down").equals("caught-up"));
        cluster.awaitHealthy(ELECTION);
    }

    @Test
    void losingQuorumMakesHealthWaitFailWithTheMembersNamed() {
        EtcdCluster cluster = etcd.cluster();
        cluster.member(0).kill();
        cluster.member(1).pause();

        assertThatThrownBy(() -> cluster.awaitHealthy(Duration.ofSeconds(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EtcdProcess[m2 ")
                .hasMessageNotContaining("EtcdProcess[m1 ");
        // A leader without quorum steps down after an election timeout.
        await().atMost(ELECTION).until(() -> cluster.leaderIndex() == -1);

        cluster.member(1).resume();
        cluster.awaitHealthy(ELECTION);
    }

    @Test
    void memberIndexOutOfRangeIsNamed() {
        assertThatThrownBy(() -> etcd.cluster().member(3)).hasMessageContaining("3");
        assertThatThrownBy(() -> EtcdCluster.builder().members(0)).hasMessageContaining("0");
    }
}
