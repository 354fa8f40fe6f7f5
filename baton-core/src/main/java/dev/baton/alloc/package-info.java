/**
 * Allocation of replicated items over members: the model, the solver that decides the target
 * assignment, the planner that moves toward it safely, and the leader and members that keep it
 * in etcd. The decisions ({@link dev.baton.alloc.solver.AllocationSolver},
 * {@link dev.baton.alloc.HandoffPlanner}) are pure: values in, values out, no I/O, no clock, no
 * threads; {@link dev.baton.alloc.Allocator} and {@link dev.baton.alloc.AllocatorMember} apply
 * them to the store.
 *
 * <h2>Model</h2>
 * An {@link dev.baton.alloc.Item} wants {@code replicas} copies, each held by a distinct
 * {@link dev.baton.alloc.Member}. A member runs in one failure zone and holds at most
 * {@code capacity} replicas; an exiting member (draining before it leaves) has effective
 * capacity zero. An {@link dev.baton.alloc.Assignment} is one replica of one item on one member.
 * Of an item's assignments the primary is the one marked so, else the oldest; the others are
 * its replicas. A zone is live when one of its members has capacity.
 *
 * <h2>What the solver decides</h2>
 * {@link dev.baton.alloc.solver.AllocationSolver#solve} returns a target assignment that meets
 * every hard constraint (capacity, one replica of an item per member, no item above its
 * replicas) and is the lexicographic optimum of placement, coverage, zone spread, balance and
 * moves; its package documents the objective and the algorithm.
 *
 * <h2>Handoff</h2>
 * {@link dev.baton.alloc.HandoffPlanner#plan} turns current assignments (with readiness and
 * primary marks) and a target into safe steps: additions first, within capacity; a removal
 * only when the item keeps min(replicas, target replicas) ready replicas without it; a
 * departing primary only right after promoting the oldest ready replica that stays. Steps that
 * are not yet safe are reported as waiting and appear in a later plan.
 *
 * <h2>In the store</h2>
 * Under a namespace {@code <ns>} (see docs/keyspace.md): items at {@code <ns>alloc/items/<id>}
 * ({@link dev.baton.alloc.ItemCatalog}), members at {@code <ns>alloc/members/<id>} on their
 * session lease, assignments at {@code <ns>alloc/assign/<item>/<member>} on the assignee's lease
 * with a status the assignee writes. The primary is the assignment with the oldest create
 * revision; an assignment's create revision is also its fencing token.
 *
 * <p>{@link dev.baton.alloc.Allocator} campaigns in {@code <ns>alloc/leader} and, while it leads,
 * mirrors {@code <ns>alloc/} in one keyspace cache and runs rounds: solve (only when items,
 * members or the assignments changed other than by its own steps), plan with readiness from the
 * application's {@link dev.baton.alloc.ReadinessCheck}, send every step that is safe now, wait
 * until its cache shows its own writes. A round that wrote is followed at once by the next; one
 * that wrote nothing waits for the next change of items, members or assignments, or for a status
 * report on an item whose handoff waits for readiness; never on a timer. Each step becomes a
 * change guarded by the mod revision of every key its safety was decided on: the item, the keys
 * it deletes and the ready replicas the item relies on. An item's removals are split over as many
 * changes as etcd's {@code --max-txn-ops} (128) compares and operations per transaction need;
 * changes are packed into transactions of that size, each also comparing the leadership's
 * fence. A promotion lands in the same transaction as the old primary's removal, together with
 * the removal of any older replica that is not ready, so the oldest remaining assignment, the new
 * primary, is ready.
 *
 * <p>{@link dev.baton.alloc.AllocatorMember} joins with its zone and capacity, reports the
 * {@link dev.baton.alloc.ItemRoute route} of each item it holds to a
 * {@link dev.baton.alloc.RouteListener}, writes its status fenced by the assignment's token, and
 * exits by setting its exiting flag and waiting until the leader has handed everything off.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>No member ever holds more assignments than its capacity, and no item is assigned twice
 *       to one member (both would be the same key).
 *   <li>A change made by a deposed leader, or planned on a state that changed since, never
 *       lands: its transaction compares the leadership fence and the revisions it read.
 *   <li>The leader's changes never leave an item with fewer ready replicas than
 *       min(replicas, ready before), as long as the target places all its replicas; and a ready
 *       primary is only ever replaced by a ready replica. A crash (a lease expiring) can of
 *       course take replicas away at once; the leader then adds replicas, it never removes one
 *       that counts.
 *   <li>A member that loses its session reports every item as no longer held before etcd can
 *       expire its lease and the leader can hand the items to anyone else.
 *   <li>Keys that cannot be decoded are frozen and reported, never guessed at or dropped.
 *   <li>An item's removals are guarded by the ready replicas it relies on, one compare each, so
 *       an item whose required ready replicas, min(replicas, target replicas), leave no room in
 *       one transaction (more than {@code maxTxnOps} − 3: 125 with etcd's default) keeps its
 *       extra replicas: it is reported as a problem, and never made unsafe.
 * </ul>
 */
package dev.baton.alloc;
