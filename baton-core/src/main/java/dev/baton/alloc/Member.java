package dev.baton.alloc;

/**
 * A process that holds item replicas.
 *
 * @param id       the member's id: not blank, no '/'
 * @param zone     the failure zone the member runs in: not blank, no '/'
 * @param capacity the most replicas the member may hold, zero or more
 * @param exiting  true once the member is draining; an exiting member is given nothing and
 *                 keeps nothing in a target assignment, whatever its capacity
 */
public record Member(String id, String zone, int capacity, boolean exiting) {

    public Member {
        Ids.check("member id", id);
        Ids.check("zone of member '" + id + "'", zone);
        if (capacity < 0) {
            throw new IllegalArgumentException("member '" + id + "' capacity must be >= 0, got " + capacity);
        }
    }

    /** A member that is not exiting. */
    public Member(String id, String zone, int capacity) {
        this(id, zone, capacity, false);
    }

    /** The capacity the solver may use: zero for an exiting member, {@link #capacity()} otherwise. */
    public int effectiveCapacity() {
        return exiting ? 0 : capacity;
    }
}
