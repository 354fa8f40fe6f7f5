package dev.baton.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.election.LeaderService;
import dev.baton.spring.boot.BatonAutoConfiguration;
import dev.baton.spring.boot.IntegrationLeaderEvents;
import dev.baton.testkit.EtcdExtension;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.DefaultLeaderEventPublisher;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

/** Each term of a {@code @LeaderOnly} election, as the application context's listeners hear of it. */
class LeadershipEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    public static class Sweep {
        @LeaderOnly("sweep")
        public void run() {
        }
    }

    /** Records Baton's leadership events. */
    public static class Terms implements ApplicationListener<LeadershipEvent> {
        final List<LeadershipEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(LeadershipEvent event) {
            events.add(event);
        }
    }

    /** Records Spring Integration's leader events, as a listener written for its leader initiators would. */
    public static class IntegrationTerms implements ApplicationListener<AbstractLeaderEvent> {
        final List<AbstractLeaderEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(AbstractLeaderEvent event) {
            events.add(event);
        }
    }

    /** A listener that fails on every grant. */
    public static class FailingListener implements ApplicationListener<LeadershipEvent.Granted> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void onApplicationEvent(LeadershipEvent.Granted event) {
            calls.incrementAndGet();
            throw new IllegalStateException("listener failure for the test");
        }
    }

    static ApplicationContextRunner application(String namespace) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + ETCD.endpoint(), "baton.session.ttl=3s",
                        "baton.namespace=" + namespace)
                .withBean(Sweep.class);
    }

    @Test
    void withoutSpringIntegrationTheEventsArePublishedWithoutItsCopies() {
        Terms terms = new Terms();
        application("leadership-events-plain/")
                .withClassLoader(new FilteredClassLoader(DefaultLeaderEventPublisher.class))
                .withBean(Terms.class, () -> terms)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(IntegrationLeaderEvents.class);
                    await().atMost(WAIT).until(() -> !terms.events.isEmpty());
                    assertThat(terms.events.get(0)).isInstanceOf(LeadershipEvent.Granted.class);
                });
    }

    @Test
    void aListenerThatThrowsDoesNotEndTheTerm() {
        FailingListener failing = new FailingListener();
        application("leadership-events-failing/")
                .withBean(FailingListener.class, () -> failing)
                .run(context -> {
                    LeaderOnlyMethods methods = context.getBean(LeaderOnlyMethods.class);
                    await().atMost(WAIT).until(() -> failing.calls.get() == 1);
                    long token = methods.election("sweep").flatMap(LeaderService::leadership).orElseThrow().token();

                    await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() ->
                            methods.election("sweep").flatMap(LeaderService::leadership)
                                    .filter(leadership -> leadership.token() == token).isPresent());
                    assertThat(failing.calls.get()).isEqualTo(1);
                });
    }

    @Test
    void aListenerHearsGrantedThenRevokedWithTheTokenWhenTheLeaderStops() {
        Terms terms = new Terms();
        IntegrationTerms integration = new IntegrationTerms();
        application("leadership-events/")
                .withBean(Terms.class, () -> terms)
                .withBean(IntegrationTerms.class, () -> integration)
                .run(context -> {
                    await().atMost(WAIT).until(() -> !terms.events.isEmpty());
                    LeadershipEvent granted = terms.events.get(0);
                    assertThat(granted).isInstanceOf(LeadershipEvent.Granted.class);
                    assertThat(granted.election()).isEqualTo("sweep");
                    assertThat(granted.member()).isEqualTo(ManagementFactory.getRuntimeMXBean().getName());
                    assertThat(granted.leadership().isValid()).isTrue();
                    assertThat(integration.events).singleElement().isInstanceOf(OnGrantedEvent.class);
                    assertThat(integration.events.get(0).getRole()).isEqualTo("sweep");
                    assertThat(integration.events.get(0).getContext().isLeader()).isTrue();

                    context.close();

                    assertThat(terms.events).hasSize(2);
                    LeadershipEvent revoked = terms.events.get(1);
                    assertThat(revoked).isInstanceOf(LeadershipEvent.Revoked.class);
                    assertThat(revoked.election()).isEqualTo("sweep");
                    assertThat(revoked.member()).isEqualTo(granted.member());
                    assertThat(revoked.token()).isEqualTo(granted.token());
                    assertThat(integration.events).hasSize(2);
                    assertThat(integration.events.get(1)).isInstanceOf(OnRevokedEvent.class);
                    assertThat(integration.events.get(1).getRole()).isEqualTo("sweep");
                });
    }
}
