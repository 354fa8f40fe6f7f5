package dev.baton.election;

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

    /** Connects to {@code endpoints} and opens a session with {@code ttl}. */
    static Member join(String endpoints, Duration ttl) {
        Etcd etcd = Etcd.builder().endpoints(endpoints.split(",")).requestTimeout(Duration.ofSeconds(2)).build();
        try {
            return new Member(etcd, Session.builder(etcd).ttl(ttl).open());
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
