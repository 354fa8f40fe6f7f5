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
 * Baton in a Spring Boot application: an {@link Etcd} connection to {@code baton.endpoints}, the
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
        return Etcd.builder().endpoints(properties.endpoints()).build();
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
