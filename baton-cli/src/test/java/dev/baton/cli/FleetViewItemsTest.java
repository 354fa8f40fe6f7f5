package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fleet view shows allocator items with their routes, primary (oldest assignment) first. */
class FleetViewItemsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void itemsAreListedWithTheirRoutesOldestAssignmentFirst() {
        ETCD.process().etcdctl("put", "baton/alloc/items/orders", "{\"replicas\":2}");
        ETCD.process().etcdctl("put", "baton/alloc/assign/orders/m2", "ready");
        ETCD.process().etcdctl("put", "baton/alloc/assign/orders/m1", "");
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
             FleetView view = FleetView.start(etcd, "baton/", new FleetMetrics())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> view.snapshot().path("items").size() == 1
                    && view.snapshot().path("items").get(0).path("route").size() == 2);

            JsonNode item = view.snapshot().path("items").get(0);
            assertThat(item.path("id").asText()).isEqualTo("orders");
            assertThat(item.path("replicas").asInt()).isEqualTo(2);
            assertThat(item.path("route").get(0).path("member").asText()).isEqualTo("m2");
            assertThat(item.path("route").get(0).path("status").asText()).isEqualTo("ready");
            assertThat(item.path("route").get(1).path("member").asText()).isEqualTo("m1");
        }
    }
}
