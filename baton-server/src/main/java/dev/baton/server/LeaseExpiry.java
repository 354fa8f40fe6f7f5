package dev.baton.server;

import dev.baton.server.store.Lease;
import dev.baton.server.store.StoreState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes leases whose deadline has passed. Run every {@link #PERIOD_MILLIS} ms, so a lease is
 * revoked well within half a second of its expiry; each expired lease is revoked once, through
 * the writer like any revocation, deleting its keys in one revision.
 */
final class LeaseExpiry implements Runnable {
    static final long PERIOD_MILLIS = 100;
    private static final Logger log = LoggerFactory.getLogger(LeaseExpiry.class);

    private final StoreState state;
    private final CommitPipeline pipeline;

    LeaseExpiry(StoreState state, CommitPipeline pipeline) {
        this.state = state;
        this.pipeline = pipeline;
    }

    @Override
    public void run() {
        for (Lease lease : state.leases().takeExpired()) {
            long id = lease.id();
            log.debug("lease {} expired", Long.toHexString(id));
            pipeline.submit(s -> s.revokeLease(id)).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    log.debug("revoking expired lease {} failed: {}", Long.toHexString(id), failure.toString());
                }
            });
        }
    }
}
