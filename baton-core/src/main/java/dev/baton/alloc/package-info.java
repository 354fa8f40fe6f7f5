/**
 * Allocation of replicated items over members: the model, the solver that decides the target
 * assignment, the planner that moves toward it safely, and the leader and members that keep it
 * in etcd. The decisions ({@link dev.baton.alloc.AllocationSolver},
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
 * {@link dev.baton.alloc.AllocationSolver#solve} returns a target assignment. Hard constraints
 * always hold: no member above its effective capacity, no item twice on one member, no item
 * above its replicas, only known items and members. Within them, with P the maximum number of
 * replicas that can be placed, C the sum of effective capacities and, for member m,
 * <b>fair share</b> f_m = P · capacity_m / C with band [⌊f_m⌋, ⌈f_m⌉], the target is the
 * lexicographic optimum of, in priority order:
 * <ol>
 *   <li><b>placement</b>: exactly P replicas are placed (every item gets all its replicas when
 *       capacity and member count allow);
 *   <li><b>coverage</b>: Σ_items T(placed), T(k) = k(k+1)/2. This only matters when demand
 *       exceeds capacity: replica counts are then as even as possible, so every item gets a
 *       first replica before any gets a second, where placement allows;
 *   <li><b>zone spread</b>: Σ over (item, zone) of replicas above ⌈replicas / live zones⌉.
 *       Zero (no zone holds more than its share of an item) whenever levels 1–2 allow it;
 *   <li><b>balance</b>: Σ_members T(distance of the load outside its band). Zero, that is every
 *       member within one of its fair share, whenever levels 1–3 allow it; otherwise forced
 *       excess is spread as evenly as possible (a zone that must hold more than its share
 *       spreads it over its own members);
 *   <li><b>moves</b>: the number of target assignments not in the current assignment. Fewest
 *       among all targets optimal on levels 1–4; this also minimises removals, since the
 *       placed total is fixed.
 * </ol>
 * Zone spread ranks above balance because losing a zone must not cost an item more replicas
 * than necessary, even if a member then carries more than its share. Balance ranks above
 * moves so that a joining member takes its share at once. The result is deterministic
 * (independent of collection order) and stable: solving again with the target as the
 * current assignment returns it unchanged.
 *
 * <h2>Algorithm</h2>
 * The problem is a min-cost maximum flow, source → item → (item, zone) → member → sink, with
 * convex costs: coverage on source arcs, zone spread on (item, zone) arcs, moves on member
 * arcs, balance on sink arcs, compared as vectors. Its millions of nodes and the billions of
 * item-to-member arcs are never built. Instead:
 * <ol>
 *   <li>P comes in closed form from the minimum cuts of that network, which zones do not
 *       affect (see {@code MaxPlacement}).
 *   <li>A warm start builds a placement top-down: even replica counts; current assignments
 *       kept on the least-loaded candidates within each item's zone quota; a zone for every
 *       missing replica, least filled first; each zone's total split over its members at the
 *       least balance cost; overloaded members trimmed; missing replicas placed, returning to
 *       former holders first. It is already optimal for fresh starts, joins, leaves, zone loss
 *       and return, and replica changes (see the benchmark).
 *   <li>The residual network is contracted onto members, source and sink: any residual path
 *       between two of those stays within a single item's nodes and so is one single-replica
 *       change (move, place, drop, return to a former holder, load up or down), whose cost
 *       depends on a few item classes kept in pools that follow each item change. Bellman-Ford
 *       over this graph of members + 2 nodes finds cheapest augmenting paths until P is placed,
 *       then negative cycles, which are cancelled; an improving walk is re-applied while it
 *       still improves. Labels carry over between searches and only nodes whose arcs changed
 *       are relaxed again, so a repair costs a few small rounds.
 *   <li>When no negative cycle remains and P is placed, the target is certified optimal: a
 *       negative cycle of the full network would give a negative cycle of the contracted one.
 *       If a contracted cycle cannot be realised with distinct items (which only happens when
 *       a few items are all candidates for several arcs) the full network is searched
 *       explicitly, which small instances allow. Only if such a case met an instance too large
 *       for that does {@link dev.baton.alloc.Allocation#optimal()} report false; the target
 *       then still meets every hard constraint and places P replicas.
 * </ol>
 * Exactness is tested against exhaustive search on small instances and against the full
 * network's optimality condition on medium ones. Measured on two heavily shared cores:
 * 1,000,000 items × 3 replicas over 1,000 members in 3 zones solves in 1.5–3 s wall-clock
 * (about 0.6 s of solver CPU) within a 1.2 GB heap, and single joins, leaves and replica
 * changes move exactly their lower bound.
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
 * </ul>
 */
package dev.baton.alloc;
