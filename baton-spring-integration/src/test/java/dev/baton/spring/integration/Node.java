package dev.baton.spring.integration;

import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.time.Duration;

/** One application node: its connection, its session and a lock registry on them. */
final class Node implements AutoCloseable {
    static final String PREFIX = "spring-locks";

    final Etcd etcd;
    final Session session;
    final BatonLockRegistry registry;

    private Node(Etcd etcd, Session session) {
        this.etcd = etcd;
        this.session = session;
        this.registry = BatonLockRegistry.on(session, PREFIX);
    }

    static Node start(String endpoints) {
        Etcd etcd = Etcd.builder().endpoints(endpoints.split(",")).requestTimeout(Duration.ofSeconds(2)).build();
        try {
            Session session = Session.builder(etcd).ttl(Duration.ofSeconds(2)).open();
            await().atMost(Duration.ofSeconds(10)).until(session::isValid);
            return new Node(etcd, session);
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    @Override
    public void close() {
        session.close();
        etcd.close();
    }
}
