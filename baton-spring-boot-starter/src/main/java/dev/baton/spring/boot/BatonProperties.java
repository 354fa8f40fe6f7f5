package dev.baton.spring.boot;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code baton.*} properties.
 *
 * @param endpoints The etcd endpoints, as host:port or http(s)://host:port.
 * @param namespace The key prefix of the application's tasks; ends in a slash.
 * @param session The member's session.
 */
@ConfigurationProperties("baton")
public record BatonProperties(
        @DefaultValue("127.0.0.1:2379") List<String> endpoints,
        @DefaultValue("baton/") String namespace,
        @DefaultValue Session session) {

    /**
     * The {@code baton.session.*} properties.
     *
     * @param ttl The TTL of the member's lease: the session keeps it alive every TTL/3, and the
     *     work of a member that dies without closing passes to others within it. At least 2s.
     */
    public record Session(@DefaultValue("10s") Duration ttl) {
    }
}
