package dev.baton.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code baton.*} properties.
 *
 * @param endpoints The etcd endpoints, as host:port or http(s)://host:port.
 * @param namespace The key prefix of the application's tasks; ends in a slash.
 * @param user The etcd user, when etcd has authentication enabled.
 * @param password The etcd user's password.
 * @param tls TLS to etcd, for https endpoints.
 * @param session The member's session.
 * @param embedded An embedded etcd-compatible server in the application, for development and tests.
 * @param tasks The application's task member, when it defines a task handler bean.
 */
@ConfigurationProperties("baton")
public record BatonProperties(
        @DefaultValue("127.0.0.1:2379") List<String> endpoints,
        @DefaultValue("baton/") String namespace,
        String user,
        String password,
        @DefaultValue Tls tls,
        @DefaultValue Session session,
        @DefaultValue Embedded embedded,
        @DefaultValue Tasks tasks) {

    /** Leaves the password out, as {@code Etcd} does. */
    @Override
    public String toString() {
        return "BatonProperties[endpoints=" + endpoints + ", namespace=" + namespace + ", user=" + user
                + ", tls=" + tls + ", session=" + session + ", embedded=" + embedded + ", tasks=" + tasks + "]";
    }

    /**
     * The {@code baton.tls.*} properties.
     *
     * @param trustedCa The PEM file of the CA that signed etcd's certificate; required with https endpoints.
     * @param clientCertificate The PEM file of this client's certificate, for etcd's --client-cert-auth.
     * @param clientKey The PEM file of the client certificate's private key.
     */
    public record Tls(Path trustedCa, Path clientCertificate, Path clientKey) {
        public Tls {
            if ((clientCertificate == null) != (clientKey == null)) {
                throw new IllegalArgumentException("baton.tls.client-certificate and baton.tls.client-key go together,"
                        + " got only " + (clientKey == null ? "the certificate " + clientCertificate
                        : "the key " + clientKey));
            }
        }
    }

    /**
     * The {@code baton.session.*} properties.
     *
     * @param ttl The TTL of the member's lease: the session keeps it alive every TTL/3, and the
     *     work of a member that dies without closing passes to others within it. At least 2s.
     */
    public record Session(@DefaultValue("10s") Duration ttl) {
    }

    /**
     * The {@code baton.embedded.*} properties: with {@code enabled}, the application runs Baton's
     * embedded server (baton-server on the class path) and connects to it instead of
     * {@code baton.endpoints}.
     *
     * @param enabled Whether to run an embedded server; needs dev.baton:baton-server.
     * @param dataDir The directory the embedded server keeps its data in; without it, data lives in memory only.
     * @param port The port the embedded server listens on at 127.0.0.1; 0 takes a free one.
     */
    public record Embedded(@DefaultValue("false") boolean enabled, Path dataDir, @DefaultValue("0") int port) {
    }

    /**
     * The {@code baton.tasks.*} properties: the task member the application runs when it defines a
     * task handler bean.
     *
     * @param memberId The member's id, unique among the running members of the namespace; by default
     *     the JVM's name (pid@host) and the session's lease, which no other member can have.
     * @param maxConcurrentTasks The most tasks the member runs at once; at least 1.
     * @param claimAhead How many tasks the member claims beyond those it runs, so that the next one
     *     waits no claim round trip; keep it small when tasks are long.
     * @param claimWindow How long before a task's not-before instant the member may claim it (its
     *     handler still starts at that instant); 0 to 10 s, 0 claims at the instant.
     * @param stopTimeout How long the member waits for its handlers to stop as the context closes,
     *     before it interrupts them and releases their tasks anyway.
     * @param releaseHoldOff How long a task this member released is not claimed back by it.
     * @param joinTimeout How long joining waits for a previous holder of the member id to go.
     */
    public record Tasks(
            String memberId,
            @DefaultValue("64") int maxConcurrentTasks,
            @DefaultValue("0") int claimAhead,
            @DefaultValue("250ms") Duration claimWindow,
            @DefaultValue("10s") Duration stopTimeout,
            @DefaultValue("10s") Duration releaseHoldOff,
            @DefaultValue("30s") Duration joinTimeout) {
    }
}
