package dev.baton.server.store;

/** A renewal of a lease whose deadline has passed; it only awaits its revocation. */
public final class LeaseExpiredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Lease lease;

    LeaseExpiredException(Lease lease) {
        super("lease " + Long.toHexString(lease.id()) + " has expired", null, false, false);
        this.lease = lease;
    }

    public Lease lease() {
        return lease;
    }
}
