package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cache.CacheState;
import dev.baton.cache.KeyspaceCache;
import dev.baton.cache.ValueDecoder;
import dev.baton.election.LeaderService;
import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import dev.baton.spring.LeaderOnly;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskHandler;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Baton's meters, bound to a registry as Spring Boot binds them, read as a scrape reads them. */
class BatonMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** A leader-only job, so that the application campaigns in election "metrics". */
    public static class Sweep {
        @LeaderOnly("metrics")
        public void run() {
        }
    }

    @Test
    void theMetersShowTheSessionStateTheLeadershipAndTheTasksHeld() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + ETCD.endpoint(), "baton.session.ttl=3s",
                        "baton.namespace=metrics/", "baton.tasks.stop-timeout=5s")
                .withBean(Sweep.class)
                .withBean("waitingHandler", TaskHandler.class, () -> context -> {
                    context.awaitStop(WAIT);
                    context.throwIfStopRequested();
                })
                .run(context -> {
                    MeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(BatonMetrics.class).bindTo(registry);

                    assertThat(registry.get("baton.session.state").tag("state", "CONNECTED").gauge().value()).isEqualTo(1);
                    assertThat(registry.get("baton.session.state").gauges()).hasSize(SessionState.values().length);
                    assertThat(registry.get("baton.session.state").tag("state", "LOST").gauge().value()).isZero();
                    await().atMost(WAIT).until(() ->
                            registry.get("baton.election.leader").tag("election", "metrics").gauge().value() == 1);
                    assertThat(registry.get("baton.tasks.held").gauge().value()).isZero();

                    context.getBean(TaskClient.class).submit(TaskId.of("held-1"), TaskProperties.empty());

                    await().atMost(WAIT).until(() -> registry.get("baton.tasks.held").gauge().value() == 1);
                });
    }

    /** A leader service and a cache, as an application defines them. */
    @Configuration(proxyBeanMethods = false)
    static class ReaperAndFlags {
        @Bean
        LeaderService.Builder reaper(Session session) {
            return LeaderService.builder(session, "metrics-cache/elections/reaper", "one")
                    .longRunning(leadership -> leadership.lost().get());
        }

        @Bean(destroyMethod = "close")
        KeyspaceCache<String> flags(Etcd etcd) {
            return KeyspaceCache.builder(etcd, "metrics-cache/flags/", ValueDecoder.utf8()).start();
        }
    }

    @Test
    void leaderServiceBeansAndCacheBeansHaveTheirMetersBeforeAnythingHappens() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + ETCD.endpoint(), "baton.session.ttl=3s",
                        "baton.namespace=metrics-cache/")
                .withUserConfiguration(ReaperAndFlags.class)
                .run(context -> {
                    MeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(BatonMetrics.class).bindTo(registry);

                    assertThat(registry.get("baton.cache.state").tag("cache", "flags").gauges())
                            .hasSize(CacheState.values().length);
                    assertThat(registry.get("baton.cache.state").tags("cache", "flags", "state", "SYNCED").gauge().value())
                            .isEqualTo(1);
                    assertThat(registry.get("baton.cache.entries").tag("cache", "flags").gauge().value()).isZero();
                    assertThat(registry.get("baton.cache.decode.errors").tag("cache", "flags").gauge().value()).isZero();
                    assertThat(registry.get("baton.cache.events.pending").tag("cache", "flags").gauge().value()).isZero();

                    context.getBean(Etcd.class).put("metrics-cache/flags/dark-mode", "on", 0).get();

                    await().atMost(WAIT).until(() ->
                            registry.get("baton.cache.entries").tag("cache", "flags").gauge().value() == 1);
                    await().atMost(WAIT).until(() ->
                            registry.get("baton.election.leader").tag("election", "reaper").gauge().value() == 1);
                });
    }
}
