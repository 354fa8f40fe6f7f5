package dev.baton.alloc.solver;

import java.util.Arrays;

/**
 * The largest number of replicas that can be placed, computed in closed form.
 *
 * <p>Placing replicas is a flow from items (capacity: desired replicas) through unit arcs to
 * every member (an item holds at most one replica per member) to a sink (capacity: member
 * capacity). Zones do not limit placement, so every item reaches every member and a minimum
 * cut is fixed by two numbers: the {@code a} items on the sink side and the members on the
 * source side. For a given {@code a} the best cut takes the {@code a} items with the most
 * replicas and exactly the members whose capacity exceeds {@code a}, giving
 * <pre>  max placement = min over a of ( replicas outside the top a items + Σ_m min(capacity_m, a) )</pre>
 * evaluated for every {@code a} in O(items + members log members).
 */
final class MaxPlacement {

    private MaxPlacement() {
    }

    /**
     * @param reachable each item's replica demand, already capped by the number of members with capacity
     * @param capacity  each member's effective capacity
     */
    static long of(int[] reachable, int[] capacity) {
        int maxDemand = 0;
        long demand = 0;
        for (int r : reachable) {
            maxDemand = Math.max(maxDemand, r);
            demand += r;
        }
        // Items by demand, most first: a counting sort (demand is at most the member count).
        int[] itemsWithDemand = new int[maxDemand + 1];
        for (int r : reachable) {
            itemsWithDemand[r]++;
        }
        int[] caps = capacity.clone();
        Arrays.sort(caps);

        long best = demand; // a = 0: no item on the sink side, every member on the sink side
        long outside = demand;
        long capped = 0; // Σ_m min(capacity_m, a)
        int firstAbove = 0; // index into caps of the first capacity > a
        int a = 0;
        for (int r = maxDemand; r >= 1; r--) {
            for (int k = 0; k < itemsWithDemand[r]; k++) {
                // Moving item number a+1 (demand r) to the sink side.
                while (firstAbove < caps.length && caps[firstAbove] <= a) {
                    firstAbove++;
                }
                capped += caps.length - firstAbove;
                a++;
                outside -= r;
                best = Math.min(best, outside + capped);
            }
        }
        return best;
    }
}
