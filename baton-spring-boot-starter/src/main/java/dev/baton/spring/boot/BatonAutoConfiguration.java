package dev.baton.spring.boot;

import dev.baton.cache.KeyspaceCache;
import dev.baton.election.LeaderService;
import dev.baton.etcd.Etcd;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.session.Session;
import dev.baton.spring.LeaderOnlyMethods;
import dev.baton.tasks.AsyncTaskHandler;
import dev.baton.tasks.StatefulTaskHandler;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskHandler;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskMemberBuilder;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;
import org.springframework.integration.leader.event.DefaultLeaderEventPublisher;

/**
 * Baton in a Spring Boot application: an {@link Etcd} connection to {@code baton.endpoints} (with
 * {@code baton.tls.*} and {@code baton.user}/{@code baton.password} when set), the
 * member's {@link Session} with {@code baton.session.ttl}, a {@link TaskClient} of
 * {@code baton.namespace}, a {@link TaskMember} run by a {@link TaskMemberLifecycle} when the
 * application defines a task handler bean, the {@link LeaderService}s of the application's
 * {@link LeaderService.Builder} beans run by a {@link LeaderServicesLifecycle}, the campaigns of
 * {@link dev.baton.spring.LeaderOnly} methods (each term published as a
 * {@link dev.baton.spring.LeadershipEvent}, and as Spring Integration's leader events when it is
 * present), and, when the actuator is present, the {@code baton} health indicator, info
 * contributor and endpoint. {@link EtcdCustomizer} and {@link TaskMemberCustomizer} beans set what
 * has no property.
 * With {@code baton.embedded.enabled} and baton-server on the class path, the connection goes to
 * an embedded server the context runs.
 * Each bean backs off when the application defines its own. As the context closes, the campaigns
 * end (a leader resigns) and the task member leaves (deregisters, releases its tasks) first, while
 * the session is open; then the session closes (revoking its lease, so successors take over at
 * once), then the connection.
 */
@AutoConfiguration
@EnableConfigurationProperties(BatonProperties.class)
public class BatonAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Etcd batonEtcd(BatonProperties properties, ObjectProvider<EtcdCustomizer> customizers) {
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
        return customized(etcd, customizers);
    }

    /** Applies the application's {@link EtcdCustomizer}s, in order, and builds the connection. */
    static Etcd customized(Etcd.Builder etcd, ObjectProvider<EtcdCustomizer> customizers) {
        customizers.orderedStream().forEach(customizer -> customizer.customize(etcd));
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

    @Bean
    @ConditionalOnBean(LeaderService.Builder.class)
    @ConditionalOnMissingBean
    public LeaderServicesLifecycle batonLeaderServices(ListableBeanFactory beans) {
        return new LeaderServicesLifecycle(beans.getBeansOfType(LeaderService.Builder.class));
    }

    /**
     * Static, as a post-processor must be; the session, namespace and member are looked up when the
     * campaigns start. The instance campaigns as {@code baton.tasks.member-id} when it is set, else
     * as the JVM's name ({@code pid@host}).
     */
    @Bean
    @ConditionalOnMissingBean
    public static LeaderOnlyMethods batonLeaderOnlyMethods(ObjectProvider<Session> session,
            ObjectProvider<BatonProperties> properties, Environment environment) {
        return new LeaderOnlyMethods(session::getObject, () -> properties.getObject().namespace(),
                () -> Objects.requireNonNullElseGet(properties.getObject().tasks().memberId(),
                        () -> ManagementFactory.getRuntimeMXBean().getName()),
                environment.getProperty("spring.application.name"));
    }

    @Bean
    @ConditionalOnMissingBean
    public Campaigns batonCampaigns(ObjectProvider<LeaderOnlyMethods> leaderOnly,
            ObjectProvider<LeaderServicesLifecycle> services) {
        return new Campaigns(leaderOnly.getIfAvailable(), services.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    public BatonInstance batonInstance(Session session, TaskClient tasks, Campaigns campaigns,
            ObjectProvider<TaskMemberLifecycle> member) {
        return new BatonInstance(session, tasks, campaigns, member.getIfAvailable());
    }

    /**
     * {@code baton.embedded.enabled}: the server, and the connection to it. Nested configurations
     * are read before the outer one's beans, so the connection defined here is the one the
     * outer {@code @ConditionalOnMissingBean} finds.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(EmbeddedEtcd.class)
    @ConditionalOnProperty(name = "baton.embedded.enabled", havingValue = "true")
    static class Embedded {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        EmbeddedEtcd batonEmbeddedEtcd(BatonProperties properties) {
            BatonProperties.Embedded embedded = properties.embedded();
            EmbeddedEtcd.Builder server = EmbeddedEtcd.builder().listen("127.0.0.1", embedded.port());
            if (embedded.dataDir() != null) {
                server.dataDir(embedded.dataDir());
            } else {
                server.inMemory();
            }
            return server.build().start();
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        Etcd batonEtcd(EmbeddedEtcd server, ObjectProvider<EtcdCustomizer> customizers) {
            return customized(Etcd.builder().endpoints(server.endpoint()), customizers);
        }
    }

    /** {@code baton.embedded.enabled} without baton-server: the context fails, naming what is missing. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("dev.baton.server.EmbeddedEtcd")
    @ConditionalOnProperty(name = "baton.embedded.enabled", havingValue = "true")
    static class EmbeddedWithoutServer {
        @Bean
        Etcd batonEtcd() {
            throw new IllegalStateException("baton.embedded.enabled is true, but dev.baton:baton-server,"
                    + " which runs the embedded server, is not on the class path");
        }
    }

    /**
     * The application's task member, when it defines a task handler bean: one {@link TaskHandler},
     * {@link StatefulTaskHandler} or {@link AsyncTaskHandler}, since a member runs every task of
     * its namespace with one handler (the context fails to start, naming them, when there are more).
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnTaskHandler.class)
    static class Tasks {
        @Bean
        @ConditionalOnMissingBean
        TaskMemberLifecycle batonTaskMember(Session session, BatonProperties properties, ListableBeanFactory beans,
                ObjectProvider<TaskMemberCustomizer> customizers) {
            Consumer<TaskMemberBuilder> handler = handler(beans);
            return new TaskMemberLifecycle(() -> {
                BatonProperties.Tasks tasks = properties.tasks();
                String id = tasks.memberId() != null ? tasks.memberId()
                        : ManagementFactory.getRuntimeMXBean().getName() + "-" + Long.toHexString(session.lease());
                TaskMemberBuilder member = TaskMember.builder(session, id)
                        .namespace(properties.namespace())
                        .maxConcurrentTasks(tasks.maxConcurrentTasks())
                        .claimAhead(tasks.claimAhead())
                        .claimWindow(tasks.claimWindow())
                        .stopTimeout(tasks.stopTimeout())
                        .releaseHoldOff(tasks.releaseHoldOff())
                        .joinTimeout(tasks.joinTimeout());
                handler.accept(member);
                customizers.orderedStream().forEach(customizer -> customizer.customize(member));
                return member.start();
            });
        }

        /** What sets the one handler bean on the member's builder. */
        private static Consumer<TaskMemberBuilder> handler(ListableBeanFactory beans) {
            Map<String, TaskHandler> plain = beans.getBeansOfType(TaskHandler.class);
            Map<String, StatefulTaskHandler> stateful = beans.getBeansOfType(StatefulTaskHandler.class);
            Map<String, AsyncTaskHandler> async = beans.getBeansOfType(AsyncTaskHandler.class);
            List<String> names = Stream.of(plain.keySet(), stateful.keySet(), async.keySet())
                    .flatMap(Set::stream).sorted().toList();
            if (names.size() != 1) {
                throw new IllegalStateException("a task member runs every task with one handler, but the context"
                        + " defines " + names.size() + " task handler beans: " + names
                        + "; keep one, or define the batonTaskMember bean yourself");
            }
            if (!plain.isEmpty()) {
                return member -> member.handler(plain.values().iterator().next());
            }
            if (!stateful.isEmpty()) {
                return member -> member.statefulHandler(stateful.values().iterator().next());
            }
            return member -> member.asyncHandler(async.values().iterator().next());
        }
    }

    /** A bean of any of the three handler types. */
    static class OnTaskHandler extends AnyNestedCondition {
        OnTaskHandler() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(TaskHandler.class)
        static class Plain {
        }

        @ConditionalOnBean(StatefulTaskHandler.class)
        static class Stateful {
        }

        @ConditionalOnBean(AsyncTaskHandler.class)
        static class Async {
        }
    }

    /** Baton's meters, when the application has Micrometer; Spring Boot binds them to its registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        BatonMetrics batonMetrics(BatonInstance instance, ListableBeanFactory beans) {
            return new BatonMetrics(instance, () -> {
                Map<String, KeyspaceCache<?>> caches = new TreeMap<>();
                beans.getBeansOfType(KeyspaceCache.class).forEach(caches::put);
                return caches;
            });
        }
    }

    /** Leadership events again as Spring Integration's, when it is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(DefaultLeaderEventPublisher.class)
    static class IntegrationEvents {
        @Bean
        @ConditionalOnMissingBean
        IntegrationLeaderEvents batonIntegrationLeaderEvents(ApplicationEventPublisher events) {
            return new IntegrationLeaderEvents(new DefaultLeaderEventPublisher(events));
        }
    }

    /** The health indicator, in a class of its own so that applications without the actuator never load it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("baton")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "batonHealthIndicator")
        SessionHealthIndicator batonHealthIndicator(BatonInstance instance) {
            return new SessionHealthIndicator(instance);
        }
    }

    /** The {@code baton} entry of {@code /actuator/info}, unless {@code management.info.baton.enabled=false}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(InfoContributor.class)
    @ConditionalOnEnabledInfoContributor("baton")
    static class Info {
        @Bean
        @ConditionalOnMissingBean(name = "batonInfoContributor")
        BatonInfoContributor batonInfoContributor(BatonInstance instance) {
            return new BatonInfoContributor(instance);
        }
    }

    /** {@code /actuator/baton}, when the endpoint is enabled and exposed ({@code management.endpoints.web.exposure.include}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = BatonEndpoint.class)
    static class Actuator {
        @Bean
        @ConditionalOnMissingBean
        BatonEndpoint batonEndpoint(BatonInstance instance) {
            return new BatonEndpoint(instance);
        }
    }
}
