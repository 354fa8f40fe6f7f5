package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import dev.baton.tasks.TaskClient;
import dev.baton.testkit.EtcdExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class BatonAutoConfigurationTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    ApplicationContextRunner application() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.endpoints=" + ETCD.endpoint(), "baton.session.ttl=3s",
                        "baton.namespace=orders/");
    }

    @Test
    void theContextOpensASessionFromTheBatonPropertiesAndRevokesItsLeaseWhenItCloses() throws Exception {
        AtomicLong lease = new AtomicLong();

        application().run(context -> {
            Session session = context.getBean(Session.class);
            assertThat(session.state()).isEqualTo(SessionState.CONNECTED);
            assertThat(session.ttl()).isEqualTo(Duration.ofSeconds(3));
            assertThat(session.etcd()).isSameAs(context.getBean(Etcd.class));
            assertThat(context.getBean(TaskClient.class).namespace()).isEqualTo("orders/");
            lease.set(session.lease());
        });

        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            assertThatThrownBy(() -> etcd.keepAliveOnce(lease.get()).get()).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("lease not found");
        }
    }

    @Test
    void healthIsUpWithTheLeaseWhileTheSessionHoldsItAndDownOnceItIsClosed() {
        application().run(context -> {
            Session session = context.getBean(Session.class);
            SessionHealthIndicator health = context.getBean("batonHealthIndicator", SessionHealthIndicator.class);

            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("state", "CONNECTED")
                    .containsEntry("lease", Long.toHexString(session.lease())).containsEntry("ttl", "PT3S");

            session.close();

            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails()).containsEntry("state", "CLOSED");
        });
    }

    @Test
    void theHealthIndicatorIsLeftOutWhenManagementTurnsItOff() {
        application().withPropertyValues("management.health.baton.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("batonHealthIndicator"));
    }

    @Test
    void anEtcdTheApplicationDefinesIsTheOneTheSessionUses() {
        application().withBean("applicationEtcd", Etcd.class, () -> Etcd.builder().endpoints(ETCD.endpoint()).build())
                .run(context -> {
                    assertThat(context).hasSingleBean(Etcd.class).hasBean("applicationEtcd");
                    assertThat(context.getBean(Session.class).etcd()).isSameAs(context.getBean("applicationEtcd"));
                });
    }

    @Test
    void etcdCustomizersSetWhatHasNoProperty() {
        application().withBean(EtcdCustomizer.class, () -> etcd -> etcd.requestTimeout(Duration.ofSeconds(7)))
                .run(context -> assertThat(context.getBean(Etcd.class).requestTimeout()).isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void theBuildDescribesEveryBatonPropertyForIdes() throws IOException {
        try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(metadata).isNotNull();
            assertThat(new String(metadata.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("\"baton.endpoints\"", "\"baton.namespace\"", "\"baton.session.ttl\"", "\"baton.user\"",
                            "\"baton.password\"", "\"baton.tls.trusted-ca\"", "\"baton.tls.client-certificate\"",
                            "\"baton.tls.client-key\"", "\"baton.embedded.enabled\"",
                            "\"baton.embedded.data-dir\"", "\"baton.embedded.port\"", "\"baton.tasks.member-id\"",
                            "\"baton.tasks.max-concurrent-tasks\"", "\"baton.tasks.claim-ahead\"",
                            "\"baton.tasks.claim-window\"",
                            "\"baton.tasks.stop-timeout\"", "\"baton.tasks.release-hold-off\"",
                            "\"baton.tasks.join-timeout\"");
        }
    }
}
