package dev.baton.chaos.workload;

import dev.baton.etcd.Etcd;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Compacts the store every period, up to just below what the recorders have seen, so every
 * worker's watch that falls behind (paused, cut off, restarting) finds its history gone and must
 * reload. Failures (the store down) are skipped; the next period tries again.
 */
public final class Compactor implements AutoCloseable {

    private final Thread thread;
    private volatile boolean stopped;
    private volatile int compactions;

    private Compactor(Etcd etcd, LongSupplier safeRevision, Duration period) {
        this.thread = new Thread(() -> loop(etcd, safeRevision, period), "chaos-compactor");
        this.thread.setDaemon(true);
    }

    /** Starts compacting through {@code etcd} to {@code safeRevision} - 1 every {@code period}. */
    public static Compactor start(Etcd etcd, LongSupplier safeRevision, Duration period) {
        Compactor compactor = new Compactor(etcd, safeRevision, period);
        compactor.thread.start();
        return compactor;
    }

    private void loop(Etcd etcd, LongSupplier safeRevision, Duration period) {
        long compacted = 0;
        while (!stopped) {
            try {
                Thread.sleep(period.toMillis());
                long target = safeRevision.getAsLong() - 1;
                if (target > compacted) {
                    etcd.compact(target).get(etcd.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
                    compacted = target;
                    compactions++;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // The store is down or busy: the next period tries again.
            }
        }
    }

    public int compactions() {
        return compactions;
    }

    /** Stops compacting; idempotent. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
