package dev.baton.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.Closer;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

/** Spring Integration's {@link LockRegistryLeaderInitiator} on two nodes sharing a Baton lock. */
class LeaderInitiatorTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final Closer resources = new Closer();

    private final List<String> history = new CopyOnWriteArrayList<>();

    private final List<Node> nodes = new CopyOnWriteArrayList<>();

    private LockRegistryLeaderInitiator initiator(String id) {
        Node node = resources.add(Node.start(ETCD.endpoint()));
        nodes.add(node);
        LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(node.registry, new DefaultCandidate(id, "reports") {
            @Override
            public void onGranted(Context context) {
                history.add("granted " + id);
            }

            @Override
            public void onRevoked(Context context) {
                history.add("revoked " + id);
            }
        });
        initiator.setHeartBeatMillis(100);
        initiator.setBusyWaitMillis(100);
        resources.add(initiator::stop);
        return initiator;
    }

    @Test
    void oneNodeLeadsAndTheOtherTakesOverWhenItStops() {
        LockRegistryLeaderInitiator a = initiator("a");
        LockRegistryLeaderInitiator b = initiator("b");

        a.start();
        await().atMost(WAIT).until(() -> history.contains("granted a"));
        b.start();
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !history.contains("granted b"));
        a.stop();

        // Spring's initiator calls onRevoked after its unlock returned, so b can be granted first.
        await().atMost(WAIT).until(() -> history.containsAll(List.of("revoked a", "granted b")));
        assertThat(history).containsExactlyInAnyOrder("granted a", "revoked a", "granted b").startsWith("granted a");
    }

    @Test
    void aLeaderWhoseSessionEndsIsRevokedAndTheOtherNodeLeads() {
        LockRegistryLeaderInitiator a = initiator("a");
        LockRegistryLeaderInitiator b = initiator("b");
        a.start();
        await().atMost(WAIT).until(() -> history.contains("granted a"));
        b.start();

        nodes.get(0).close();

        await().atMost(WAIT).until(() -> history.containsAll(List.of("revoked a", "granted b")));
        assertThat(a.getContext().isLeader()).isFalse();
        assertThat(b.getContext().isLeader()).isTrue();
    }
}
