package dev.baton.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterSessionTest {

    /** etcd renews leases when a new raft leader is elected; the default 10 s TTL outlasts that election on a loaded machine. */
    @Test
    void killingOneMemberOfThreeDoesNotLoseTheSession() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(3);
             Etcd etcd = Etcd.builder().endpoints(cluster.endpoints()).build()) {
            Session session = Session.builder(etcd).ttl(Duration.ofSeconds(10)).open();
            SessionStates states = new SessionStates();
            session.addListener(states);
            etcd.put("members/survivor", "x".getBytes(StandardCharsets.UTF_8), session.lease()).get();

            cluster.member(cluster.leaderIndex()).kill();
            cluster.awaitHealthy(Duration.ofSeconds(20));

            await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20))
                    .until(() -> !states.saw(SessionState.LOST));
            await().atMost(Duration.ofSeconds(10)).until(() -> session.state() == SessionState.CONNECTED);
            assertThat(etcd.get("members/survivor").get()).isPresent();
            session.close();
        }
    }
}
