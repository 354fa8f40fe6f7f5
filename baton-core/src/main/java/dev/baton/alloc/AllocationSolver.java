package dev.baton.alloc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Computes the target assignment of item replicas to members. Pure: values in, values out,
 * deterministic for a given input whatever the order of its collections. See the package
 * documentation for the objective, the algorithm and its guarantees.
 */
public final class AllocationSolver {

    private AllocationSolver() {
    }

    /**
     * Solves for the target assignment.
     *
     * @param items   every item; ids must be unique
     * @param members every member; ids must be unique
     * @param current the current assignments; entries naming an unknown item or member, and
     *                duplicates, are ignored
     * @throws IllegalArgumentException naming the offending id when an item or member id repeats
     */
    public static Allocation solve(Collection<Item> items, Collection<Member> members, Collection<Assignment> current) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(current, "current");
        Instance in = Instance.of(items, members, current);
        Placement placement = new Placement(in);
        WarmStart.build(in, placement);
        boolean optimal = optimize(in, placement);
        return result(in, placement, optimal);
    }

    /**
     * Cancels negative cycles and augments along cheapest paths until the contracted network
     * certifies optimality. Returns false only when a walk could not be realized with distinct
     * items and the instance is too large for the explicit network.
     */
    private static boolean optimize(Instance in, Placement placement) {
        ContractedNetwork network = new ContractedNetwork(in, placement);
        while (true) {
            network.refresh();
            Walk walk = network.negativeCycle();
            if (walk == null && placement.placedTotal < in.maxPlacement) {
                walk = network.cheapestPath(network.source(), network.sink());
                if (walk == null) {
                    throw new IllegalStateException("no augmenting path below the maximum placement "
                            + in.maxPlacement + " (placed " + placement.placedTotal + ")");
                }
            }
            if (walk == null) {
                return true;
            }
            if (network.apply(walk)) {
                continue;
            }
            if (!ExplicitNetwork.fits(in)) {
                return false;
            }
            if (ExplicitNetwork.of(in, placement).improve() == null) {
                return true;
            }
            network.invalidate();
        }
    }

    private static Allocation result(Instance in, Placement placement, boolean optimal) {
        List<Assignment> assignments = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, placement.placedTotal));
        long added = 0;
        long desired = 0;
        int[] members = new int[0];
        for (int i = 0; i < in.items; i++) {
            desired += in.replicas[i];
            int placed = placement.placed[i];
            if (members.length < placed) {
                members = new int[placed];
            }
            System.arraycopy(placement.slotMember, placement.slotStart[i], members, 0, placed);
            Arrays.sort(members, 0, placed);
            for (int k = 0; k < placed; k++) {
                assignments.add(new Assignment(in.itemIds[i], in.memberIds[members[k]]));
                if (!in.isCurrent(i, members[k])) {
                    added++;
                }
            }
        }
        long kept = assignments.size() - added;
        return new Allocation(assignments, desired, assignments.size(), added, in.currentCount - kept, optimal);
    }
}
