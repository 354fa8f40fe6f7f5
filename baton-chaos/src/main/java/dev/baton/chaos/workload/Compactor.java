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

    private final Etcd etcd;
    private final LongSupplier safeRevision;
    private Periodic periodic;
    private long compacted;
    private volatile int compactions;

    private Compactor(Etcd etcd, LongSupplier safeRevision) {
        this.etcd = etcd;
        this.safeRevision = safeRevision;
    }

    /** Starts compacting through {@code etcd} to {@code safeRevision} - 1 every {@code period}. */
    public static Compactor start(Etcd etcd, LongSupplier safeRevision, Duration period) {
        Compactor compactor = new Compactor(etcd, safeRevision);
        compactor.periodic = Periodic.start("chaos-compactor", period, compactor::compact);
        return compactor;
    }

    private void compact() throws Exception {
        long target = safeRevision.getAsLong() - 1;
        if (target > compacted) {
            etcd.compact(target).get(etcd.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            compacted = target;
            compactions++;
        }
    }

    public int compactions() {
        return compactions;
    }

    /** Stops compacting; idempotent. */
    @Override
    public void close() throws InterruptedException {
        periodic.close();
    }
}
