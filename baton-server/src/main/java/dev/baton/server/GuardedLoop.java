package dev.baton.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic task that survives its own failures: a scheduled executor would silently stop
 * repeating a task that throws. Logs when the task starts failing and when it recovers, not on
 * every failed run.
 */
final class GuardedLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(GuardedLoop.class);

    private final String name;
    private final Runnable task;
    private boolean failing;

    GuardedLoop(String name, Runnable task) {
        this.name = name;
        this.task = task;
    }

    @Override
    public void run() {
        try {
            task.run();
            if (failing) {
                failing = false;
                log.info("{} recovered", name);
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("{} failed; retrying on its next run", name, e);
            }
        }
    }
}
