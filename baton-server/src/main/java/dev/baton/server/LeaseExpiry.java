package dev.baton.server;

import dev.baton.server.store.Lease;
import dev.baton.server.store.StoreState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes leases whose deadline has passed. Run every {@link #PERIOD_MILLIS} ms, so a lease is
 * revoked well within half a second of its expiry; each expired lease is revoked once, through
 * the writer like any revocation, deleting its keys in one revision. A revocation the writer
 * refuses (its log cannot be written) is tried again every period until it is done.
 */
final class LeaseExpiry implements Runnable {
    static final long PERIOD_MILLIS = 100;
    private static final Logger log = LoggerFactory.getLogger(LeaseExpiry.class);

    private final StoreState state;
    private final CommitPipeline pipeline;
    /** Expired leases whose revocation was refused. */
    private final Set<Long> refused = ConcurrentHashMap.newKeySet();

    LeaseExpiry(StoreState state, CommitPipeline pipeline) {
        this.state = state;
        this.pipeline = pipeline;
    }

    @Override
    public void run() {
        List<Long> due = new ArrayList<>(refused);
        refused.removeAll(due);
        for (Lease lease : state.leases().takeExpired()) {
            log.debug("lease {} expired", Long.toHexString(lease.id()));
            due.add(lease.id());
        }
        for (long id : due) {
            pipeline.submit(s -> s.revokeLease(id)).whenComplete((ignored, failure) -> {
                if (failure instanceof StoreUnavailableException) {
                    refused.add(id);
                } else if (failure != null) {
                    log.debug("revoking expired lease {} failed: {}", Long.toHexString(id), failure.toString());
                }
            });
        }
    }
}
