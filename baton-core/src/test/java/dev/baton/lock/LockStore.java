package dev.baton.lock;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.testkit.Closer;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every lock test against the store sets up: a direct connection to the test's etcd, a lock
 * name of the test's own ({@code <directory><test method>}), and members and processes closed
 * after the test, newest first.
 * <pre>{@code
 * @RegisterExtension
 * static final EtcdExtension ETCD = new EtcdExtension();
 * @RegisterExtension
 * final LockStore store = new LockStore(ETCD, "mutex/");
 * }</pre>
 */
final class LockStore implements BeforeEachCallback, AfterEachCallback {
    private final EtcdExtension etcd;
    private final String directory;
    private final Closer resources = new Closer();
    private Etcd direct;
    private String name;

    LockStore(EtcdExtension etcd, String directory) {
        this.etcd = etcd;
        this.directory = directory;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        direct = resources.add(Etcd.builder().endpoints(etcd.endpoint()).build());
        name = directory + context.getRequiredTestMethod().getName();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        resources.closeAll();
    }

    /** A connection of the test's own, for reading and writing keys around the locks. */
    Etcd direct() {
        return direct;
    }

    /** The lock name of this test. */
    String name() {
        return name;
    }

    /** The keys under the lock's name: its contenders. */
    List<KeyValue> contenders() throws Exception {
        return direct.range(KeyRange.prefix(name + "/")).get().kvs();
    }

    /** A member with its own connection and a session of {@code ttl}, closed after the test. */
    LockMember member(Duration ttl) {
        return add(LockMember.join(etcd.endpoint(), ttl));
    }

    /** Closes {@code resource} after the test, before what was added earlier; returns it. */
    <T extends AutoCloseable> T add(T resource) {
        return resources.add(resource);
    }
}
