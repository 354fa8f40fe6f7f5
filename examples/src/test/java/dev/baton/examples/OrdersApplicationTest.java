package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.spring.boot.BatonEndpoint;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskStatus;
import dev.baton.testkit.embedded.EmbeddedEtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of the application against one embedded server: the orders are shipped by both,
 * the report is written by one, and closing that one hands the report to the other within the
 * session TTL.
 */
class OrdersApplicationTest {
    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final EmbeddedEtcdExtension etcd = new EmbeddedEtcdExtension();

    private ConfigurableApplicationContext instance(String name) {
        return etcd.add(new SpringApplicationBuilder(OrdersApplication.class)
                .web(WebApplicationType.NONE)
                .run("--baton.endpoints=" + etcd.endpoint(), "--baton.namespace=" + etcd.namespace(),
                        "--baton.session.ttl=" + TTL.toSeconds() + "s", "--orders.instance=" + name,
                        "--orders.report-interval=200ms"));
    }

    private static Optional<String> report(Etcd client) throws Exception {
        return client.get(etcd.namespace() + "report").get().map(KeyValue::valueUtf8);
    }

    @Test
    void bothInstancesShipOrdersOneReportsAndClosingItHandsTheReportToTheOther() throws Exception {
        Etcd client = etcd.add(Etcd.builder().endpoints(etcd.endpoint()).build());
        TaskClient orders = TaskClient.create(client, etcd.namespace());
        Map<String, ConfigurableApplicationContext> instances =
                Map.of("orders-1", instance("orders-1"), "orders-2", instance("orders-2"));
        await().atMost(WAIT).until(() -> orders.members().size() == 2);

        for (int i = 0; i < 20; i++) {
            orders.submit(TaskId.of("order-" + i), TaskProperties.empty());
        }
        for (int i = 0; i < 20; i++) {
            assertThat(orders.await(TaskId.of("order-" + i), WAIT).status()).contains(TaskStatus.COMPLETED);
        }

        List<KeyValue> shipped = client.range(KeyRange.prefix(etcd.namespace() + "shipped/")).get().kvs();
        assertThat(shipped).hasSize(20);
        assertThat(shipped.stream().map(KeyValue::valueUtf8).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("orders-1", "orders-2");
        await().atMost(WAIT).until(() -> report(client).filter(text -> text.endsWith(": 20 orders shipped")).isPresent());
        String leader = report(client).orElseThrow().split(":")[0];
        String follower = leader.equals("orders-1") ? "orders-2" : "orders-1";
        await().during(Duration.ofSeconds(1)).atMost(WAIT)
                .until(() -> report(client).orElseThrow().startsWith(leader + ":"));

        instances.get(leader).close();

        await().atMost(TTL).until(() -> report(client).orElseThrow().startsWith(follower + ":"));
        BatonEndpoint endpoint = instances.get(follower).getBean(BatonEndpoint.class);
        BatonEndpoint.Report seen = endpoint.report();
        assertThat(seen.elections()).singleElement().satisfies(election -> {
            assertThat(election.name()).isEqualTo("orders");
            assertThat(election.leader()).isEqualTo(follower);
            assertThat(election.leading()).isTrue();
        });
        assertThat(seen.members().shown()).extracting(BatonEndpoint.MemberView::id).containsExactly(follower);
        // The task counts follow the store through a watch, a little behind it.
        await().atMost(WAIT).untilAsserted(() -> assertThat(endpoint.report().tasks()).containsEntry("completed", 20L));
    }
}
