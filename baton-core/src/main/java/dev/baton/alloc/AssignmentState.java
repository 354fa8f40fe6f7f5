package dev.baton.alloc;

/**
 * A current assignment as the leader observes it.
 *
 * @param assignment     the item and member
 * @param createRevision the store revision that created it; of an item's assignments the oldest
 *                       (smallest) is its primary unless another was promoted
 * @param ready          whether the application reports this replica ready to take over
 * @param primary        whether this assignment is the item's primary; when no assignment of an
 *                       item is marked, the oldest one is
 */
public record AssignmentState(Assignment assignment, long createRevision, boolean ready, boolean primary) {

    public AssignmentState {
        if (assignment == null) {
            throw new IllegalArgumentException("assignment must not be null");
        }
        if (createRevision < 0) {
            throw new IllegalArgumentException("create revision of " + assignment + " must be >= 0, got " + createRevision);
        }
    }
}
