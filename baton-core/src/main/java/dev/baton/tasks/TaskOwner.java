package dev.baton.tasks;

import java.util.Objects;

/**
 * Who holds a task's claim: the member id, the claim revision (the create revision of the owner
 * key, which is also the claim's fencing token) and what kind of claim it is as the viewing member
 * sees it. A higher revision means a more recent claim, an order every member reads the same from
 * the store.
 *
 * @param member        the id of the member the owner key names
 * @param claimRevision the create revision of the owner key, positive
 * @param kind          whether the claim counts for {@code member}, or is on its way out
 */
public record TaskOwner(String member, long claimRevision, Kind kind) {

    /**
     * What a claim is, for balancing. Another member's claims are always {@link #HELD} (whether
     * that member is live is told by {@link BalanceView#members()}); the other kinds only ever
     * name the viewing member itself.
     */
    public enum Kind {
        /** The named member holds the claim; it counts for that member. */
        HELD,
        /** The viewing member holds the claim but is giving it up: it counts for no member. */
        RELEASING,
        /**
         * The owner key names the viewing member on its current lease but no run of it holds the
         * claim any more (its release or retirement is landing): it counts for no member.
         */
        ENDING,
        /**
         * The owner key names the viewing member on a lease it no longer holds (from before a lost
         * session): it counts for no member and vanishes when that lease expires.
         */
        PREVIOUS_LEASE
    }

    public TaskOwner {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(kind, "kind");
        if (member.isEmpty()) {
            throw new IllegalArgumentException("member id must not be empty");
        }
        if (claimRevision < 1) {
            throw new IllegalArgumentException("claimRevision must be positive, is " + claimRevision);
        }
    }

    /** A claim {@code member} holds ({@link Kind#HELD}). */
    public TaskOwner(String member, long claimRevision) {
        this(member, claimRevision, Kind.HELD);
    }

    /** True when the claim counts for {@link #member()} when balancing: it is {@link Kind#HELD}. */
    public boolean counts() {
        return kind == Kind.HELD;
    }
}
