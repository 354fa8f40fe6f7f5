package dev.baton.alloc.solver;

/**
 * The solver's objective as marginal costs of single-replica changes.
 *
 * <p>Levels, most important first (placement itself is fixed beforehand at its maximum):
 * <ol>
 *   <li>coverage: Σ_items T(placed), T(k) = k(k+1)/2, which among maximum placements prefers
 *       the most even replica counts;
 *   <li>zone spread: Σ_(item, zone) max(0, held in zone - quota), quota = ⌈replicas / live zones⌉;
 *   <li>balance: Σ_members T(distance of the load outside [fairLow, fairHigh]), zero inside the
 *       band and spreading any forced excess evenly;
 *   <li>moves: the number of target assignments absent from the current assignment.
 * </ol>
 * Each level is a sum of convex functions of one count (an item's placed count, an item's
 * count in one zone, a member's load), so the marginal cost of a single change is exact and
 * never decreases as the count grows: the condition under which residual cycles and paths
 * describe the objective exactly. Costs are vectors of these four levels compared
 * lexicographically; {@link ResidualSearch} keeps them as separate components.
 */
final class Objective {

    private final Instance instance;

    Objective(Instance instance) {
        this.instance = instance;
    }

    /** Coverage cost of giving an item with {@code placed} replicas one more. */
    static long coverageAdd(int placed) {
        return placed + 1L;
    }

    /** Zone cost of adding a replica of item {@code i} to a zone already holding {@code n} of them. */
    int zoneAdd(int i, int n) {
        return n >= instance.zoneQuota(i) ? 1 : 0;
    }

    /** Zone cost of removing a replica of item {@code i} from a zone holding {@code n} of them. */
    int zoneRemove(int i, int n) {
        return n > instance.zoneQuota(i) ? -1 : 0;
    }

    /** Balance cost of raising member {@code m}'s load from {@code load} to {@code load + 1}. */
    long balanceAdd(int m, int load) {
        int low = instance.fairLow[m];
        int high = instance.fairHigh[m];
        if (load < low) {
            return -(long) (low - load);
        }
        return load < high ? 0 : (long) load - high + 1;
    }

    /** Move cost of item {@code i} being held by {@code m} in the target: 0 if it is held there now. */
    int moveCost(int i, int m) {
        return instance.isCurrent(i, m) ? 0 : 1;
    }
}
