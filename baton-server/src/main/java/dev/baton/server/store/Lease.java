package dev.baton.server.store;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A granted lease: its TTL, its deadline on the monotonic clock, and the keys attached to it.
 *
 * <p>The deadline moves with every keep-alive. Once it has passed the lease can no longer be
 * renewed: it waits for its revocation, which {@link #revoked()} reports.
 */
public final class Lease {
    private final long id;
    private final long ttlSeconds;
    private final Set<ByteString> keys = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> revoked = new CompletableFuture<>();
    private long deadlineNanos;
    private boolean expired;

    Lease(long id, long ttlSeconds, long deadlineNanos) {
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        this.deadlineNanos = deadlineNanos;
    }

    public long id() {
        return id;
    }

    /** The granted TTL in seconds. */
    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** The attached keys, in no particular order. */
    public List<ByteString> keys() {
        return List.copyOf(keys);
    }

    Set<ByteString> attachedKeys() {
        return keys;
    }

    /** Completes once the lease has been revoked (explicitly or on expiry). */
    public CompletableFuture<Void> revoked() {
        return revoked;
    }

    /** Extends the deadline to {@code now + TTL}; false when the lease has already expired. */
    synchronized boolean renew(long nowNanos) {
        if (expired || nowNanos - deadlineNanos >= 0) {
            return false;
        }
        deadlineNanos = nowNanos + ttlSeconds * 1_000_000_000L;
        return true;
    }

    /** Marks the lease expired if its deadline has passed; true only for the first such call. */
    synchronized boolean expire(long nowNanos) {
        if (expired || nowNanos - deadlineNanos < 0) {
            return false;
        }
        expired = true;
        return true;
    }

    /** Marks the lease as gone: it can no longer be renewed nor reported as expired. */
    synchronized void markRevoked() {
        expired = true;
    }

    /** Makes a revoked lease live again, its deadline a full TTL after {@code nowNanos}. */
    synchronized void reinstate(long nowNanos) {
        expired = false;
        deadlineNanos = nowNanos + ttlSeconds * 1_000_000_000L;
    }

    synchronized long deadlineNanos() {
        return deadlineNanos;
    }

    /** Seconds left, truncated toward zero as etcd reports them (negative once overdue). */
    synchronized long remainingSeconds(long nowNanos) {
        return (deadlineNanos - nowNanos) / 1_000_000_000L;
    }
}
