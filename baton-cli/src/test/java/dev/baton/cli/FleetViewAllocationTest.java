package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.etcd.Etcd;
import dev.baton.schedule.CronExpression;
import dev.baton.schedule.MisfirePolicy;
import dev.baton.schedule.Schedules;
import dev.baton.schedule.Trigger;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet view's allocator grid (items × members: primary first, replicas, readiness, totals per
 * member, bounded rows with the items needing attention first) and its schedules (next fire times,
 * the soonest first), each following the store's changes with an event.
 */
class FleetViewAllocationTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static void put(String key, String value) {
        ETCD.process().etcdctl("put", key, value);
    }

    @Test
    void theGridShowsEachItemsRoutePrimaryFirstAndEachMembersTotals() {
        put("grid/alloc/members/m1", "{}");
        put("grid/alloc/members/m2", "{}");
        put("grid/alloc/members/m3", "{}");
        put("grid/alloc/items/orders", "{\"replicas\":2}");
        put("grid/alloc/assign/orders/m2", "serving");
        put("grid/alloc/assign/orders/m1", "");
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
             FleetView view = FleetView.start(etcd, "grid/", new FleetMetrics())) {
            JsonNode grid = view.snapshot().path("allocation");

            assertThat(grid.path("items").asInt()).isEqualTo(1);
            assertThat(grid.path("needingAttention").asInt()).isEqualTo(1);
            JsonNode row = grid.path("rows").get(0);
            assertThat(row.path("id").asText()).isEqualTo("orders");
            assertThat(row.path("assigned").asInt()).isEqualTo(2);
            assertThat(row.path("route").get(0).path("member").asText()).isEqualTo("m2");
            assertThat(row.path("route").get(0).path("ready").asBoolean()).isTrue();
            assertThat(row.path("route").get(0).path("status").asText()).isEqualTo("serving");
            assertThat(row.path("route").get(1).path("member").asText()).isEqualTo("m1");
            assertThat(row.path("route").get(1).path("ready").asBoolean()).isFalse();
            assertThat(grid.path("members").toString())
                    .contains("{\"name\":\"m1\",\"primary\":0,\"replica\":1,\"ready\":0}")
                    .contains("{\"name\":\"m2\",\"primary\":1,\"replica\":0,\"ready\":1}")
                    .contains("{\"name\":\"m3\",\"primary\":0,\"replica\":0,\"ready\":0}");

            put("grid/alloc/assign/orders/m1", "serving");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(view.recentEvents()).extracting(FleetView.Event::text).contains("item orders ready on m1");
                assertThat(view.snapshot().path("allocation").path("needingAttention").asInt()).isZero();
            });
        }
    }

    @Test
    void aLargeAllocationListsABoundedNumberOfItemsThoseNeedingAttentionFirst() throws Exception {
        int items = AllocationGrid.MAX_ROWS + 50;
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                String id = String.format("item-%03d", i);
                writes.add(etcd.put("big/alloc/items/" + id, "{\"replicas\":1}", 0));
                if (i != 120) {
                    writes.add(etcd.put("big/alloc/assign/" + id + "/m1", "ready", 0));
                }
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
             FleetView view = FleetView.start(etcd, "big/", new FleetMetrics())) {
            JsonNode grid = view.snapshot().path("allocation");

            assertThat(grid.path("items").asInt()).isEqualTo(items);
            assertThat(grid.path("rows").size()).isEqualTo(AllocationGrid.MAX_ROWS);
            assertThat(grid.path("rows").get(0).path("id").asText()).isEqualTo("item-120");
            assertThat(grid.path("rows").get(1).path("id").asText()).isEqualTo("item-000");
            assertThat(grid.path("members").get(0).path("primary").asInt()).isEqualTo(items - 1);
        }
    }

    @Test
    void schedulesShowTheirNextFireTimesTheSoonestFirst() {
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
             FleetView view = FleetView.start(etcd, "sched/", new FleetMetrics())) {
            Schedules schedules = Schedules.create(etcd, "sched/");
            TaskProperties echo = new CommandTask(List.of("echo", "hi"), Optional.empty()).toProperties();
            schedules.create("yearly", new Trigger.Cron(CronExpression.parse("0 0 1 1 *", ZoneOffset.UTC)),
                    MisfirePolicy.fireOnce(), echo);
            schedules.create("minutely", new Trigger.FixedRate(Duration.ofMinutes(1)), MisfirePolicy.fireOnce(), echo);
            schedules.create("held", new Trigger.FixedRate(Duration.ofSeconds(5)), MisfirePolicy.fireOnce(), echo);
            schedules.pause("held");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(view.recentEvents()).extracting(FleetView.Event::text)
                        .contains("schedule minutely created", "schedule held changed");
                assertThat(view.snapshot().path("schedules").path("total").asInt()).isEqualTo(3);
            });
            JsonNode rows = view.snapshot().path("schedules").path("rows");
            assertThat(rows).extracting(row -> row.path("name").asText()).containsExactly("minutely", "yearly", "held");
            JsonNode minutely = rows.get(0);
            assertThat(minutely.path("trigger").asText()).isEqualTo("every PT1M");
            assertThat(minutely.path("command").asText()).isEqualTo("echo hi");
            assertThat(minutely.path("next").size()).isEqualTo(FleetSchedules.NEXT_FIRES);
            Instant first = Instant.parse(minutely.path("next").get(0).asText());
            assertThat(first).isAfter(Instant.now().minusSeconds(1)).isBefore(Instant.now().plusSeconds(61));
            assertThat(Instant.parse(minutely.path("next").get(1).asText())).isEqualTo(first.plusSeconds(60));
            assertThat(rows.get(1).path("next").get(0).asText()).endsWith("-01-01T00:00:00Z");
            assertThat(rows.get(2).path("state").asText()).isEqualTo("paused");
            assertThat(rows.get(2).path("next").size()).isZero();
        }
    }
}
