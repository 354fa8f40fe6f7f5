package dev.baton.alloc.solver;

import dev.baton.alloc.Allocation;
import dev.baton.alloc.Assignment;
import dev.baton.alloc.Item;
import dev.baton.alloc.Member;
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
        Instance instance = Instance.of(items, members, current);
        Placement placement = new Placement(instance);
        WarmStart.build(instance, placement);
        boolean optimal = optimize(instance, placement);
        return result(instance, placement, optimal);
    }

    /**
     * Augments along cheapest paths up to the maximum placement and cancels negative cycles
     * until the contracted network certifies optimality. A walk that improved is applied again
     * for as long as it still improves as much. Returns false only when a walk could not be
     * realized with distinct items and the instance is too large for the explicit network.
     */
    private static boolean optimize(Instance instance, Placement placement) {
        ContractedNetwork network = new ContractedNetwork(instance, placement);
        while (true) {
            network.refresh();
            Walk walk = placement.placedTotal < instance.maxPlacement
                    ? network.cheapestPath(network.source(), network.sink())
                    : network.negativeCycle();
            if (walk == null) {
                if (placement.placedTotal < instance.maxPlacement) {
                    throw new IllegalStateException("no augmenting path below the maximum placement "
                            + instance.maxPlacement + " (placed " + placement.placedTotal + ")");
                }
                return true;
            }
            long[] gain = network.cost(walk);
            if (network.apply(walk)) {
                repeat(instance, placement, network, walk, gain);
                continue;
            }
            if (!ExplicitNetwork.fits(instance)) {
                return false;
            }
            if (ExplicitNetwork.of(instance, placement).improve() == null) {
                return true;
            }
            network.rebuild();
        }
    }

    /**
     * Applies {@code walk} again while it is realizable and still improves: a cycle while its
     * cost stays negative, a path while the maximum placement is not reached and it costs no
     * more than the first time (so it is still a cheapest augmenting path: path costs from the
     * source never fall as flow is added).
     */
    private static void repeat(Instance instance, Placement placement, ContractedNetwork network, Walk walk, long[] first) {
        boolean cycle = walk.closed();
        long[] bound = cycle ? new long[first.length] : first;
        while (cycle || placement.placedTotal < instance.maxPlacement) {
            network.refresh();
            long[] cost = network.cost(walk);
            int order = cost == null ? 1 : Arrays.compare(cost, bound);
            if ((cycle ? order >= 0 : order > 0) || !network.apply(walk)) {
                return;
            }
        }
    }

    private static Allocation result(Instance instance, Placement placement, boolean optimal) {
        List<Assignment> assignments = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, placement.placedTotal));
        long added = 0;
        long desired = 0;
        int[] members = new int[0];
        for (int i = 0; i < instance.items; i++) {
            desired += instance.replicas[i];
            int placed = placement.placed[i];
            if (members.length < placed) {
                members = new int[placed];
            }
            System.arraycopy(placement.slotMember, placement.slotStart[i], members, 0, placed);
            Arrays.sort(members, 0, placed);
            for (int k = 0; k < placed; k++) {
                assignments.add(new Assignment(instance.itemIds[i], instance.memberIds[members[k]]));
                if (!instance.isCurrent(i, members[k])) {
                    added++;
                }
            }
        }
        long kept = assignments.size() - added;
        return new Allocation(assignments, desired, assignments.size(), added, instance.currentCount - kept, optimal);
    }
}
