package dev.baton.lock;

import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.time.Duration;

/** A member for lock tests: its own connection to etcd and its own session, closed together. */
final class LockMember implements AutoCloseable {
    final Etcd etcd;
    final Session session;

    private LockMember(Etcd etcd, Session session) {
        this.etcd = etcd;
        this.session = session;
    }

    /** Connects to {@code endpoints} and opens a session with {@code ttl}; returns once it is valid. */
    static LockMember join(String endpoints, Duration ttl) {
        Etcd etcd = Etcd.builder().endpoints(endpoints.split(",")).requestTimeout(Duration.ofSeconds(2)).build();
        try {
            Session session = Session.builder(etcd).ttl(ttl).open();
            await().atMost(Duration.ofSeconds(10)).until(session::isValid);
            return new LockMember(etcd, session);
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    Mutex mutex(String name) {
        return Mutex.on(session, name);
    }

    @Override
    public void close() {
        session.close();
        etcd.close();
    }
}
