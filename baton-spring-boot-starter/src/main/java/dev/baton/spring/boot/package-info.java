/**
 * Spring Boot auto-configuration for Baton.
 *
 * <p>{@link dev.baton.spring.boot.BatonAutoConfiguration} binds {@code baton.*} into
 * {@link dev.baton.spring.boot.BatonProperties} and defines, unless the application defines its
 * own: the {@link dev.baton.etcd.Etcd} connection, the member's {@link dev.baton.session.Session}
 * (opened while the context starts, closed with it, which revokes its lease) and a
 * {@link dev.baton.tasks.TaskClient} of the configured namespace and, when the application defines a
 * task handler bean, a {@link dev.baton.tasks.TaskMember} run by
 * {@link dev.baton.spring.boot.TaskMemberLifecycle}: it joins once the context has started and
 * leaves (deregisters, releases its tasks) before the session closes. With the actuator on the
 * class path it adds {@link dev.baton.spring.boot.SessionHealthIndicator}, the {@code baton}
 * health, {@link dev.baton.spring.boot.BatonInfoContributor} and
 * {@link dev.baton.spring.boot.BatonEndpoint}, {@code /actuator/baton}, which show the elections of
 * {@link dev.baton.spring.boot.Campaigns}; with Micrometer, {@link dev.baton.spring.boot.BatonMetrics};
 * with Spring Integration, {@link dev.baton.spring.boot.IntegrationLeaderEvents}.
 * With {@code baton.embedded.enabled} it runs an embedded server (baton-server) and connects to it.
 */
package dev.baton.spring.boot;
