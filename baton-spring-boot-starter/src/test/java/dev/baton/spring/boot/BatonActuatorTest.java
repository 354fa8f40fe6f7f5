package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.session.Session;
import dev.baton.spring.LeaderOnly;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskHandler;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The actuator's view of Baton: the {@code baton} endpoint, health details and info, read from a running application. */
class BatonActuatorTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String MEMBER = "actuator-member";

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** A leader-only job, so that the application campaigns in election "reports". */
    public static class Reports {
        @LeaderOnly("reports")
        public void run() {
        }
    }

    /** An application with a session in {@code namespace}, and no task member. */
    static ApplicationContextRunner connected(String namespace) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + ETCD.endpoint(), "baton.session.ttl=3s",
                        "baton.namespace=" + namespace);
    }

    ApplicationContextRunner application(String namespace) {
        return connected(namespace)
                .withPropertyValues("baton.tasks.member-id=" + MEMBER, "baton.tasks.stop-timeout=5s",
                        "management.endpoints.web.exposure.include=baton")
                .withBean(Reports.class)
                .withBean("completingHandler", TaskHandler.class, () -> context -> { });
    }

    @Test
    void theEndpointShowsTheMemberTheLeaderAndHowManyTasksAreInEachStatus() throws Exception {
        application("actuator-endpoint/").run(context -> {
            Session session = context.getBean(Session.class);
            TaskClient tasks = context.getBean(TaskClient.class);
            tasks.submit(TaskId.of("done-1"), TaskProperties.empty());
            tasks.submit(TaskId.of("done-2"), TaskProperties.empty());
            tasks.submit(TaskId.of("later"), TaskProperties.empty(), Instant.now().plus(Duration.ofHours(1)));
            BatonEndpoint endpoint = context.getBean(BatonEndpoint.class);

            await().atMost(WAIT).untilAsserted(() -> {
                BatonEndpoint.Report report = endpoint.report();
                assertThat(report.tasks()).containsEntry("completed", 2L).containsEntry("runnable", 1L)
                        .containsEntry("failed", 0L);
                assertThat(report.elections()).singleElement().satisfies(election -> assertThat(election.leading()).isTrue());
            });

            JsonNode json = new ObjectMapper().valueToTree(endpoint.report());
            String lease = Long.toHexString(session.lease());
            assertThat(json.path("namespace").asText()).isEqualTo("actuator-endpoint/");
            assertThat(json.path("member").asText()).isEqualTo(MEMBER);
            assertThat(json.path("session").path("state").asText()).isEqualTo("CONNECTED");
            assertThat(json.path("members").path("total").asInt()).isEqualTo(1);
            assertThat(json.path("members").path("shown").get(0).path("id").asText()).isEqualTo(MEMBER);
            assertThat(json.path("members").path("shown").get(0).path("lease").asText()).isEqualTo(lease);
            JsonNode election = json.path("elections").get(0);
            assertThat(election.path("name").asText()).isEqualTo("reports");
            assertThat(election.path("prefix").asText()).isEqualTo("actuator-endpoint/elections/reports");
            assertThat(election.path("leader").asText()).isEqualTo(MEMBER);
            assertThat(election.path("leaderLease").asText()).isEqualTo(lease);
            assertThat(election.path("token").asLong()).isPositive();
        });
    }

    /**
     * Records written straight to the store, as no member would run them here: the counts follow
     * each change through the endpoint's watch. A live task may have no state record: with a spec
     * and no done record it is runnable.
     */
    @Test
    void theCountsFollowTheStoreIncludingATaskWithASpecAndNoStateRecord() {
        connected("actuator-counts/").withPropertyValues("management.endpoints.web.exposure.include=baton")
                .run(context -> {
                    Etcd etcd = context.getBean(Etcd.class);
                    String since = "2030-01-01T00:00:00Z";
                    put(etcd, "actuator-counts/tasks/no-state/spec", "{\"properties\":{},\"submitted\":\"" + since + "\"}");
                    put(etcd, "actuator-counts/tasks/paused/spec", "{\"properties\":{},\"submitted\":\"" + since + "\"}");
                    put(etcd, "actuator-counts/tasks/paused/state", "{\"state\":\"paused\",\"since\":\"" + since + "\",\"attempts\":0}");
                    put(etcd, "actuator-counts/tasks/failed/done", "{\"state\":\"failed\",\"since\":\"" + since + "\",\"attempts\":3}");
                    put(etcd, "actuator-counts/tasks/broken/state", "{\"state\":\"asleep\"}");
                    BatonEndpoint endpoint = context.getBean(BatonEndpoint.class);

                    await().atMost(WAIT).untilAsserted(() -> assertThat(endpoint.report().tasks())
                            .containsEntry("runnable", 1L).containsEntry("paused", 1L).containsEntry("failed", 1L)
                            .containsEntry("undecodable", 1L).containsEntry("completed", 0L));

                    put(etcd, "actuator-counts/tasks/no-state/state", "{\"state\":\"paused\",\"since\":\"" + since + "\",\"attempts\":0}");
                    etcd.delete(KeyRange.key("actuator-counts/tasks/broken/state")).get();

                    await().atMost(WAIT).untilAsserted(() -> assertThat(endpoint.report().tasks())
                            .containsEntry("runnable", 0L).containsEntry("paused", 2L).doesNotContainKey("undecodable"));
                });
    }

    private static void put(Etcd etcd, String key, String value) throws Exception {
        etcd.put(key, value.getBytes(StandardCharsets.UTF_8), 0).get();
    }

    @Test
    void healthDetailsNameTheMemberTheLeaseAndWhichElectionsThisInstanceLeads() {
        application("actuator-health/").run(context -> {
            SessionHealthIndicator indicator = context.getBean(SessionHealthIndicator.class);
            String lease = Long.toHexString(context.getBean(Session.class).lease());

            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(indicator.health().getDetails()).containsEntry("leader", Map.of("reports", true)));
            Health health = indicator.health();
            assertThat(health.getDetails()).containsEntry("member", MEMBER).containsEntry("lease", lease);
        });
    }

    @Test
    void infoNamesTheNamespaceTheMemberAndTheElections() {
        application("actuator-info/").run(context -> {
            Info.Builder info = new Info.Builder();
            context.getBean(BatonInfoContributor.class).contribute(info);

            assertThat(info.build().get("baton")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("namespace", "actuator-info/").containsEntry("member", MEMBER)
                    .containsEntry("lease", Long.toHexString(context.getBean(Session.class).lease()))
                    .containsKey("elections");
        });
    }

    @Test
    void theEndpointIsLeftOutUntilItIsExposed() {
        connected("actuator-hidden/")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BatonEndpoint.class)
                        .hasSingleBean(BatonInfoContributor.class));
    }
}
