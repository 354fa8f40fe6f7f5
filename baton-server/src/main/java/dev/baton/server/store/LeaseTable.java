package dev.baton.server.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The granted leases, their deadlines on the monotonic clock, and the keys attached to each.
 *
 * <p>Grants, removals and attachments happen on the writer thread; renewals, lookups and the
 * search for expired leases may happen on any thread. Deadlines live in a queue ordered by
 * time; a renewal adds a new deadline and leaves the old one to be skipped when it comes up.
 */
public final class LeaseTable implements KeyChangeListener {
    /** etcd's minimum TTL with its default election timeout: shorter requests get this. */
    public static final long MIN_TTL_SECONDS = 2;
    /** etcd's maximum lease TTL. */
    public static final long MAX_TTL_SECONDS = 9_000_000_000L;

    private record Deadline(long atNanos, Lease lease) {
    }

    private final ConcurrentHashMap<Long, Lease> leases = new ConcurrentHashMap<>();
    private final PriorityQueue<Deadline> deadlines =
            new PriorityQueue<>((a, b) -> Long.compare(a.atNanos - b.atNanos, 0));
    private final LongSupplier nanoClock;

    LeaseTable(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public Lease get(long id) {
        return leases.get(id);
    }

    public boolean contains(long id) {
        return leases.containsKey(id);
    }

    public Collection<Lease> all() {
        return leases.values();
    }

    /** Adds a lease whose deadline is a full TTL from now (writer thread). */
    Lease add(long id, long ttlSeconds) {
        long now = nanoClock.getAsLong();
        Lease lease = new Lease(id, ttlSeconds, now + ttlSeconds * 1_000_000_000L);
        leases.put(id, lease);
        schedule(lease);
        return lease;
    }

    /**
     * Removes a lease (writer thread); its attached keys must already be deleted. Its
     * {@link Lease#revoked()} is left for the caller to complete once the removal is published.
     */
    void remove(Lease lease) {
        leases.remove(lease.id(), lease);
        lease.markRevoked();
    }

    /** Puts back a lease whose removal was taken back, with a full TTL from now (writer thread). */
    void reinstate(Lease lease) {
        lease.reinstate(nanoClock.getAsLong());
        leases.put(lease.id(), lease);
        schedule(lease);
    }

    /**
     * Renews lease {@code id}.
     *
     * @return the lease, renewed; null when there is no such lease
     * @throws LeaseExpiredException when the lease exists but its deadline has passed
     */
    public Lease renew(long id) {
        Lease lease = leases.get(id);
        if (lease == null) {
            return null;
        }
        if (!lease.renew(nanoClock.getAsLong())) {
            throw new LeaseExpiredException(lease);
        }
        schedule(lease);
        return lease;
    }

    /** Seconds left on {@code lease}, as etcd's time-to-live reports them. */
    public long remainingSeconds(Lease lease) {
        return lease.remainingSeconds(nanoClock.getAsLong());
    }

    /**
     * The leases whose deadline has passed and that were not reported before; each is reported
     * once, and from then on refuses renewal.
     */
    public List<Lease> takeExpired() {
        long now = nanoClock.getAsLong();
        List<Lease> expired = new ArrayList<>();
        synchronized (deadlines) {
            while (!deadlines.isEmpty() && now - deadlines.peek().atNanos() >= 0) {
                Lease lease = deadlines.poll().lease();
                if (lease.expire(now)) {
                    expired.add(lease);
                }
            }
        }
        return expired;
    }

    private void schedule(Lease lease) {
        synchronized (deadlines) {
            deadlines.add(new Deadline(lease.deadlineNanos(), lease));
        }
    }

    @Override
    public void keyChangeTakenBack(KeyRevision takenBack, KeyRevision restored) {
        ByteString key = UnsafeByteOperations.unsafeWrap(takenBack.key());
        if (!takenBack.isTombstone() && takenBack.lease() != 0) {
            Lease lease = leases.get(takenBack.lease());
            if (lease != null) {
                lease.attachedKeys().remove(key);
            }
        }
        if (restored != null && restored.lease() != 0) {
            Lease lease = leases.get(restored.lease());
            if (lease != null) {
                lease.attachedKeys().add(key);
            }
        }
    }

    @Override
    public void keyChanged(KeyRevision previous, KeyRevision next) {
        ByteString key = null;
        if (previous != null && previous.lease() != 0) {
            key = UnsafeByteOperations.unsafeWrap(next.key());
            Lease old = leases.get(previous.lease());
            if (old != null) {
                old.attachedKeys().remove(key);
            }
        }
        if (!next.isTombstone() && next.lease() != 0) {
            Lease lease = leases.get(next.lease());
            if (lease != null) {
                lease.attachedKeys().add(key != null ? key : UnsafeByteOperations.unsafeWrap(next.key()));
            }
        }
    }
}
