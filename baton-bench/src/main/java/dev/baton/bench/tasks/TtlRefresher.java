package dev.baton.bench.tasks;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.LeaseGrant;
import dev.baton.etcd.Operations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The per-task-TTL baseline, shaped like seed 000's task manager: each claimed task's owner key
 * lives on its own lease of the session TTL, and every {@code interval} (TTL/2) each task's
 * refresher, at its own phase, rewrites the key in a compare-and-swap on its value (etcd v2's
 * {@code CompareAndSwap(key, value, ttl, value)}) and renews the key's lease. Store load is
 * therefore O(tasks). At most 1,000 requests are in flight; a refresh that finds the window full
 * is skipped rather than queued, so an overloaded store shows as fewer writes, not a backlog.
 */
final class TtlRefresher implements AutoCloseable {
    private static final int IN_FLIGHT = 1000;

    private final Etcd etcd;
    private final long[] leases;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2,
            r -> new Thread(r, "bench-ttl-refresher"));

    TtlRefresher(Etcd etcd, String prefix, int count, Duration ttl) {
        this.etcd = etcd;
        this.leases = new long[count];
        byte[] value = "member-1".getBytes(StandardCharsets.UTF_8);
        Semaphore window = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<?>> created = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            window.acquireUninterruptibly();
            String key = prefix + i;
            int task = i;
            CompletableFuture<Long> claim = etcd.grantLease(ttl).thenCompose((LeaseGrant lease) -> {
                leases[task] = lease.id();
                return etcd.txn(List.of(Compares.absent(key)), List.of(Operations.put(key, value, lease.id())),
                        List.of()).thenApply(r -> lease.id());
            });
            claim.whenComplete((r, e) -> window.release());
            created.add(claim);
        }
        CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).join();
        Duration interval = ttl.dividedBy(2);
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            long lease = leases[i];
            Guard owned = Compares.valueIs(key, value);
            long phase = ThreadLocalRandom.current().nextLong(interval.toNanos());
            timer.scheduleAtFixedRate(() -> {
                if (window.tryAcquire(2)) {
                    etcd.txn(List.of(owned), List.of(Operations.put(key, value, lease)), List.of())
                            .whenComplete((r, e) -> window.release());
                    etcd.keepAliveOnce(lease).whenComplete((r, e) -> window.release());
                }
            }, phase, interval.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Stops refreshing and revokes every lease, waiting for the deletions, so that no key
     * expires later while something else is being measured.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        Semaphore window = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<?>> revoked = new ArrayList<>(leases.length);
        for (long lease : leases) {
            window.acquireUninterruptibly();
            CompletableFuture<?> revoke = etcd.revokeLease(lease);
            revoke.whenComplete((r, e) -> window.release());
            revoked.add(revoke);
        }
        CompletableFuture.allOf(revoked.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    }
}
