package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.spring.boot.BatonAutoConfiguration;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Two instances of one application: the {@code @LeaderOnly} job runs in the leader only, and moves when it goes. */
class LeaderOnlyTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** The application's job: records each run with the fencing token it ran under. */
    public static class NightlyReport {
        private final List<Long> tokens = new CopyOnWriteArrayList<>();
        private final AtomicInteger otherCalls = new AtomicInteger();

        public List<Long> tokens() {
            return tokens;
        }

        public int otherCalls() {
            return otherCalls.get();
        }

        @LeaderOnly
        public void run() {
            tokens.add(CurrentLeadership.get().token());
        }

        public void unguarded() {
            otherCalls.incrementAndGet();
        }
    }

    /** A job whose result the other instances could not give. */
    public static class Counter {
        @LeaderOnly("counter")
        public int next() {
            return 1;
        }
    }

    ApplicationContextRunner instance(String namespace) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + ETCD.endpoint(), "baton.namespace=" + namespace,
                        "baton.session.ttl=3s", "spring.application.name=reports")
                .withBean(NightlyReport.class);
    }

    @Test
    void onlyTheLeaderRunsTheJobAndClosingItHandsTheJobToTheOther() {
        ApplicationContextRunner instance = instance("leader-only/");
        instance.run(first -> {
            NightlyReport firstJob = first.getBean(NightlyReport.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                firstJob.run();
                assertThat(firstJob.tokens()).isNotEmpty();
            });

            instance.run(second -> {
                NightlyReport secondJob = second.getBean(NightlyReport.class);
                secondJob.run();
                secondJob.unguarded();
                assertThat(secondJob.tokens()).isEmpty();
                assertThat(secondJob.otherCalls()).isEqualTo(1);

                first.close();

                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    secondJob.run();
                    assertThat(secondJob.tokens()).isNotEmpty();
                });
                assertThat(secondJob.tokens().get(0)).isGreaterThan(firstJob.tokens().get(0));
            });
        });
    }

    @Test
    void currentLeadershipOutsideALeaderOnlyMethodIsAnError() {
        assertThatThrownBy(CurrentLeadership::get)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("@LeaderOnly");
    }

    @Test
    void aLeaderOnlyMethodThatReturnsAValueIsRefusedByName() {
        instance("leader-only-refused/").withBean(Counter.class)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("@LeaderOnly method " + Counter.class.getName() + ".next must return void"));
    }
}
