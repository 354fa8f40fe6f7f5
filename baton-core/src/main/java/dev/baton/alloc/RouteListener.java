package dev.baton.alloc;

/**
 * Told by an {@link AllocatorMember} about the routes of the items it holds: each time such a
 * route changes (an assignment added or removed, a status written, this member's own position
 * changed), and once more with index -1 when the member stops holding the item, whether the
 * assignment was removed or the member's session was lost. Calls come one at a time, in store
 * order, on the member's listener executor, never on an I/O thread.
 */
@FunctionalInterface
public interface RouteListener {

    void onRoute(ItemRoute route);
}
