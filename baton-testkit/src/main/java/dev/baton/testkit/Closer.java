package dev.baton.testkit;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, newest first, after each test, whether it passed or not:
 * <pre>{@code
 * @RegisterExtension
 * final Closer closer = new Closer();
 * ...
 * Session session = closer.add(Session.builder(etcd).open());
 * }</pre>
 * Every resource is closed even when an earlier one fails to close; the first failure is
 * rethrown with the later ones suppressed.
 */
public final class Closer implements AfterEachCallback {
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** Registers {@code resource} to be closed after the test, and returns it. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        open.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        closeAll();
    }

    /** Closes every registered resource, newest first. */
    public synchronized void closeAll() throws Exception {
        Exception failure = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
