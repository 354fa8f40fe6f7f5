package dev.baton.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a command until SIGTERM or SIGINT, then gives it time to clean up before the JVM exits:
 * the shutdown hook releases {@link #await()} and waits (at most {@link #CLEANUP_LIMIT}) until the
 * command calls {@link #close()}, so resources closed by the command's own try-with-resources
 * blocks are really closed when the process ends.
 */
final class ShutdownGate implements AutoCloseable {
    static final Duration CLEANUP_LIMIT = Duration.ofSeconds(15);

    private final CountDownLatch signalled = new CountDownLatch(1);
    private final CountDownLatch cleanedUp = new CountDownLatch(1);

    private ShutdownGate() {
    }

    /** Installs the shutdown hook; call {@link #close()} once the command has cleaned up. */
    static ShutdownGate install(String name) {
        ShutdownGate gate = new ShutdownGate();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gate.signalled.countDown();
            try {
                gate.cleanedUp.await(CLEANUP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "baton-" + name + "-shutdown"));
        return gate;
    }

    /** Blocks until the process is asked to stop. */
    void await() throws InterruptedException {
        signalled.await();
    }

    @Override
    public void close() {
        cleanedUp.countDown();
    }
}
