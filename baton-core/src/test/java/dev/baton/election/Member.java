package dev.baton.election;

import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.time.Duration;

/** A member for tests: its own connection to etcd and its own session, closed together. */
final class Member implements AutoCloseable {
    final Etcd etcd;
    final Session session;

    private Member(Etcd etcd, Session session) {
        this.etcd = etcd;
        this.session = session;
    }

    /**
     * Connects to {@code endpoints} and opens a session with {@code ttl}. Returns once the session is
     * valid: the very first grant of a JVM can take longer than a short TTL (connection set-up), and
     * such a session starts out LOST and renews itself.
     */
    static Member join(String endpoints, Duration ttl) {
        Etcd etcd = Etcd.builder().endpoints(endpoints.split(",")).requestTimeout(Duration.ofSeconds(2)).build();
        try {
            Session session = Session.builder(etcd).ttl(ttl).open();
            await().atMost(Duration.ofSeconds(10)).until(session::isValid);
            return new Member(etcd, session);
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    Election election(String prefix) {
        return Election.on(session, prefix);
    }

    @Override
    public void close() {
        session.close();
        etcd.close();
    }
}
