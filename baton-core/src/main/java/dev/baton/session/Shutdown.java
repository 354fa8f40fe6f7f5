package dev.baton.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's {@code main} in one call: every Baton thread is a daemon, so a JVM whose {@code main}
 * returns exits at once, without revoking its lease, resigning or releasing what it holds (others
 * take over only when the lease expires). {@link #awaitAndClose} keeps {@code main} waiting until
 * the JVM is asked to stop, then closes what the worker opened, so successors take over at once.
 *
 * <pre>{@code
 * Etcd etcd = Etcd.builder().endpoints(endpoint).build();
 * Session session = Session.builder(etcd).ttl(Duration.ofSeconds(10)).open();
 * TaskMember member = TaskMember.builder(session, name).namespace("myapp/").handler(handler).start();
 * Shutdown.awaitAndClose(etcd, session, member); // SIGTERM: member, then session, then etcd close
 * }</pre>
 */
public final class Shutdown {
    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);

    private Shutdown() {
    }

    /**
     * Blocks the calling thread until the JVM shuts down (SIGTERM, SIGINT, {@code System.exit}),
     * then closes {@code resources} in the reverse of the order given, each even when an earlier
     * one failed, on a shutdown hook thread named {@code baton-shutdown}. Pass them in the order
     * they were opened. The JVM exits once they are closed; each Baton resource's {@code close()}
     * is bounded.
     *
     * @throws InterruptedException when the calling thread is interrupted first; the resources are
     *     then closed before this returns, and the hook is removed
     */
    public static void awaitAndClose(AutoCloseable... resources) throws InterruptedException {
        List<AutoCloseable> closingOrder = new ArrayList<>(List.of(resources));
        Collections.reverse(closingOrder);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            closeAll(closingOrder);
            closed.countDown();
        }, "baton-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            closed.await();
        } catch (InterruptedException e) {
            if (removed(hook)) {
                closeAll(closingOrder);
            }
            throw e;
        }
    }

    /** False when the JVM is already shutting down: the hook runs, or has run, and closes them. */
    private static boolean removed(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    private static void closeAll(List<AutoCloseable> closingOrder) {
        for (AutoCloseable resource : closingOrder) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} at shutdown failed", resource, e);
            }
        }
    }
}
