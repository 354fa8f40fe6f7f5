/**
 * Spring Boot auto-configuration for Baton.
 *
 * <p>{@link dev.baton.spring.boot.BatonAutoConfiguration} binds {@code baton.*} into
 * {@link dev.baton.spring.boot.BatonProperties} and defines, unless the application defines its
 * own: the {@link dev.baton.etcd.Etcd} connection, the member's {@link dev.baton.session.Session}
 * (opened while the context starts, closed with it, which revokes its lease) and a
 * {@link dev.baton.tasks.TaskClient} of the configured namespace. With the actuator on the class
 * path it adds {@link dev.baton.spring.boot.SessionHealthIndicator}, the {@code baton} health.
 * With {@code baton.embedded.enabled} it runs an embedded server (baton-server) and connects to it.
 */
package dev.baton.spring.boot;
