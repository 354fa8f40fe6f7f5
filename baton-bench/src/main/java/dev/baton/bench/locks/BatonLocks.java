package dev.baton.bench.locks;

import dev.baton.etcd.Etcd;
import dev.baton.lock.HeldLock;
import dev.baton.lock.Mutex;
import dev.baton.session.Session;
import java.time.Duration;

/** Baton's {@link Mutex}: one connection and one session per client; unlock returns once the key is deleted. */
final class BatonLocks implements LockSystem {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String endpoint;

    BatonLocks(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String displayName() {
        return "Baton Mutex";
    }

    @Override
    public LockClient client(String name) {
        Etcd etcd = Etcd.builder().endpoints(endpoint).build();
        Session session = Session.builder(etcd).ttl(LocksScenario.SESSION_TTL).open();
        Mutex mutex = Mutex.on(session, name);
        return new LockClient() {
            private HeldLock held;

            @Override
            public void lock() throws Exception {
                held = mutex.lock(WAIT);
            }

            @Override
            public void unlock() throws Exception {
                held.release().get();
            }

            @Override
            public void close() {
                session.close();
                etcd.close();
            }
        };
    }
}
