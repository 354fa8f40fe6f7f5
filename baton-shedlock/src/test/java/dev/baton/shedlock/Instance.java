package dev.baton.shedlock;

import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.time.Duration;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;

/** One application instance: its connection, its session, and ShedLock's executor on a Baton provider. */
final class Instance implements AutoCloseable {
    static final String PREFIX = "shedlock";

    final Etcd etcd;
    final Session session;
    final LockingTaskExecutor executor;

    private Instance(Etcd etcd, Session session) {
        this.etcd = etcd;
        this.session = session;
        this.executor = new DefaultLockingTaskExecutor(BatonLockProvider.on(session, PREFIX));
    }

    static Instance start(String endpoints, Duration ttl) {
        Etcd etcd = Etcd.builder().endpoints(endpoints.split(",")).requestTimeout(Duration.ofSeconds(2)).build();
        try {
            Session session = Session.builder(etcd).ttl(ttl).open();
            await().atMost(Duration.ofSeconds(10)).until(session::isValid);
            return new Instance(etcd, session);
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
