package dev.baton.chaos.workload;

import java.time.Duration;

/**
 * Runs an action every period, on a daemon thread of its own, until closed. A run that fails (the
 * store down or busy) is skipped: the next period tries again.
 */
final class Periodic implements AutoCloseable {

    /** One run of the action. */
    interface Action {
        void run() throws Exception;
    }

    private final Thread thread;
    private volatile boolean stopped;

    private Periodic(String name, Duration period, Action action) {
        this.thread = new Thread(() -> loop(period, action), name);
        this.thread.setDaemon(true);
    }

    static Periodic start(String name, Duration period, Action action) {
        Periodic periodic = new Periodic(name, period, action);
        periodic.thread.start();
        return periodic;
    }

    private void loop(Duration period, Action action) {
        while (!stopped) {
            try {
                Thread.sleep(period.toMillis());
                action.run();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // The store is down or busy: the next period tries again.
            }
        }
    }

    /** Stops after the run in progress, if any; idempotent. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
