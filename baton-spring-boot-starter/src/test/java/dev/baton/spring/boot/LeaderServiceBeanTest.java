package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.election.LeaderService;
import dev.baton.election.Leadership;
import dev.baton.election.LossReason;
import dev.baton.session.Session;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Two instances of an application defining a {@link LeaderService.Builder} bean: one leads, and hands over as it closes. */
class LeaderServiceBeanTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** What the leader-only job of one instance saw: its terms' tokens, and how each term ended. */
    static final class Job {
        final List<Long> tokens = new CopyOnWriteArrayList<>();
        final List<LossReason> losses = new CopyOnWriteArrayList<>();
        private final Set<Leadership> terms = ConcurrentHashMap.newKeySet();

        void tick(Leadership leadership) throws InterruptedException {
            if (terms.add(leadership)) {
                leadership.lost().thenAccept(losses::add);
            }
            tokens.add(leadership.token());
            Thread.sleep(1);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SweeperApplication {
        @Bean
        LeaderService.Builder sweeper(Session session, Job job) {
            return LeaderService.builder(session, "leader-service-bean/elections/sweeper", "instance")
                    .periodic(Duration.ofMillis(50), job::tick);
        }
    }

    ApplicationContextRunner instance(Job job) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + ETCD.endpoint(), "baton.session.ttl=10s")
                .withBean(Job.class, () -> job)
                .withUserConfiguration(SweeperApplication.class);
    }

    @Test
    void onlyOneInstanceRunsTheServiceAndClosingItResignsSoTheOtherLeadsAtOnce() {
        Job firstJob = new Job();
        Job secondJob = new Job();
        instance(firstJob).run(first -> {
            await().atMost(WAIT).until(() -> !firstJob.tokens.isEmpty());
            assertThat(first.getBean(LeaderServicesLifecycle.class).services().get("sweeper").isLeader()).isTrue();

            instance(secondJob).run(second -> {
                LeaderService secondService = second.getBean(LeaderServicesLifecycle.class).services().get("sweeper");
                assertThat(secondService.isLeader()).isFalse();
                assertThat(secondJob.tokens).isEmpty();

                first.close();

                await().atMost(Duration.ofSeconds(5)).until(() -> !secondJob.tokens.isEmpty());
                assertThat(firstJob.losses).containsExactly(LossReason.RESIGNED);
                assertThat(secondJob.tokens.get(0)).isGreaterThan(firstJob.tokens.get(0));
            });
        });
    }

    @Test
    void withoutABuilderBeanThereIsNoLifecycle() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + ETCD.endpoint())
                .run(context -> assertThat(context).doesNotHaveBean(LeaderServicesLifecycle.class));
    }
}
