package dev.baton.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskInfo;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskProperties;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OrdersTest {
    @RegisterExtension
    static final EmbeddedEtcdExtension etcd = new EmbeddedEtcdExtension();   // one in-memory server for the class

    @Test
    void twoMembersShareTheOrdersAndEachRunsOnce() {
        Etcd client = etcd.add(Etcd.builder().endpoints(etcd.endpoint()).build());
        TaskClient orders = TaskClient.create(client, etcd.namespace());     // this test's keys only
        Set<String> ran = ConcurrentHashMap.newKeySet();
        for (String member : new String[] {"m1", "m2"}) {
            etcd.add(TaskMember.builder(client, member).namespace(etcd.namespace())
                    .handler(task -> ran.add(task.id().value())).start());
        }

        for (int i = 0; i < 10; i++) {
            orders.submit(TaskId.of("order-" + i), TaskProperties.empty());
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> orders.list().stream().allMatch(TaskInfo::done));
        assertThat(ran).hasSize(10);
    }   // then the members close (deregister, revoke), then the client, and only then the server
}
