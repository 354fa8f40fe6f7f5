package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.time.Duration;

/**
 * The arguments of a member in its own JVM ({@link MemberMain}, the scheduler's worker): etcd
 * endpoint, namespace, member id, session TTL in seconds.
 */
public record MemberArgs(String endpoint, String namespace, String id, Duration ttl) {

    public static MemberArgs parse(String[] args) {
        if (args.length != 4) {
            throw new IllegalArgumentException("expected: endpoint namespace member-id ttl-seconds, got " + args.length
                    + " arguments");
        }
        return new MemberArgs(args[0], args[1], args[2], Duration.ofSeconds(Long.parseLong(args[3])));
    }

    /** Connects, waits for etcd to answer, and opens the member's session. */
    public Session openSession() {
        Etcd etcd = Etcd.builder().endpoints(endpoint).build();
        etcd.get(namespace).join();
        return Session.builder(etcd).ttl(ttl).open();
    }
}
