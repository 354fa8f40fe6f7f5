package dev.baton.spring.boot;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.tasks.TaskClient;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Baton in a Spring Boot application: an {@link Etcd} connection to {@code baton.endpoints} (with
 * {@code baton.tls.*} and {@code baton.user}/{@code baton.password} when set), the
 * member's {@link Session} with {@code baton.session.ttl}, a {@link TaskClient} of
 * {@code baton.namespace}, and the {@code baton} health indicator when the actuator is present.
 * Each bean backs off when the application defines its own. The context closes the session
 * (revoking its lease, so successors take over at once) before the connection.
 */
@AutoConfiguration
@EnableConfigurationProperties(BatonProperties.class)
public class BatonAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Etcd batonEtcd(BatonProperties properties) {
        Etcd.Builder etcd = Etcd.builder().endpoints(properties.endpoints());
        BatonProperties.Tls tls = properties.tls();
        if (tls.trustedCa() != null) {
            etcd.trustedCa(tls.trustedCa());
        }
        if (tls.clientCertificate() != null) {
            etcd.clientCertificate(tls.clientCertificate(), tls.clientKey());
        }
        if (properties.user() != null) {
            etcd.credentials(properties.user(), properties.password());
        }
        return etcd.build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Session batonSession(Etcd etcd, BatonProperties properties) {
        return Session.builder(etcd).ttl(properties.session().ttl()).open();
    }

    @Bean
    @ConditionalOnMissingBean
    public TaskClient batonTaskClient(Etcd etcd, BatonProperties properties) {
        return TaskClient.create(etcd, properties.namespace());
    }

    /** The health indicator, in a class of its own so that applications without the actuator never load it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("baton")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "batonHealthIndicator")
        SessionHealthIndicator batonHealthIndicator(Session session) {
            return new SessionHealthIndicator(session);
        }
    }
}
