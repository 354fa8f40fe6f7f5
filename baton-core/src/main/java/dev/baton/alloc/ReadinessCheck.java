package dev.baton.alloc;

/**
 * Decides from an assignment's status whether that replica is ready to take over its item: the
 * leader removes a replica, or moves a primary, only while enough others are ready.
 *
 * <p>It runs on the leader for every assignment in every planning round, so it must be quick,
 * must not block, and must be a function of its arguments alone: the leader plans again when a
 * status changes, not when time passes. Every member that may lead must use the same check. A
 * check that throws counts the replica as not ready.
 */
@FunctionalInterface
public interface ReadinessCheck {

    /** The default: any status the member wrote counts as ready; a fresh assignment's empty status does not. */
    ReadinessCheck NON_EMPTY = (item, status) -> !status.isEmpty();

    /**
     * @param item   the item's id
     * @param status the status the assignee last wrote, empty until it writes one
     */
    boolean isReady(String item, String status);

    /** Ready exactly when the status equals {@code readyStatus}. */
    static ReadinessCheck statusEquals(String readyStatus) {
        if (readyStatus == null || readyStatus.isEmpty()) {
            throw new IllegalArgumentException("the ready status must not be empty, got "
                    + (readyStatus == null ? "null" : "''"));
        }
        return (item, status) -> readyStatus.equals(status);
    }
}
