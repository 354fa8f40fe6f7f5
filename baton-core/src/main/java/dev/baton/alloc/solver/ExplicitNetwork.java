package dev.baton.alloc.solver;

/**
 * The full residual network of a small {@link Placement}: source → item → (item, zone) →
 * member → sink, every arc explicit. It finds what {@link ContractedNetwork} can state but not
 * realize: a negative cycle or augmenting path whose contracted arcs would all need the same
 * few items. Its size grows with items × members, so it is used only on small instances.
 */
final class ExplicitNetwork extends ResidualSearch {

    /** Largest items × members for which the explicit network is searched. */
    static final long SIZE_LIMIT = 5_000;

    private static final int STRUCTURAL = 0;
    private static final int ASSIGN = 1;
    private static final int UNASSIGN = 2;

    private final Instance instance;
    private final Objective objective;
    private final Placement placement;
    private final int firstItem = 2;
    private final int firstZoneItem;
    private final int firstMember;

    private ExplicitNetwork(Instance instance, Placement placement, int nodes) {
        super(nodes);
        this.instance = instance;
        this.objective = new Objective(instance);
        this.placement = placement;
        this.firstZoneItem = firstItem + instance.items;
        this.firstMember = firstZoneItem + instance.items * instance.zones;
    }

    static boolean fits(Instance instance) {
        return (long) instance.items * instance.members <= SIZE_LIMIT;
    }

    static ExplicitNetwork of(Instance instance, Placement placement) {
        return new ExplicitNetwork(instance, placement, 2 + instance.items * (1 + instance.zones) + instance.members);
    }

    /**
     * Applies one improvement: a negative cycle, or else (below maximum placement) an
     * augmenting path. Returns the items it changed, or null when the placement is optimal.
     */
    IntList improve() {
        Walk walk = negativeCycle();
        if (walk == null && placement.placedTotal < instance.maxPlacement) {
            walk = cheapestPath(0, 1);
        }
        if (walk == null) {
            return null;
        }
        IntList changed = new IntList();
        for (int k = 0; k < walk.length(); k++) {
            if (walk.kind[k] == UNASSIGN) {
                placement.unassign(walk.arg[k], walk.from[k] - firstMember);
                changed.add(walk.arg[k]);
            }
        }
        for (int k = 0; k < walk.length(); k++) {
            if (walk.kind[k] == ASSIGN) {
                placement.assign(walk.arg[k], walk.to[k] - firstMember);
                changed.add(walk.arg[k]);
            }
        }
        return changed;
    }

    @Override
    void relaxAll() {
        for (int i = 0; i < instance.items; i++) {
            relaxItem(i);
        }
        for (int m = 0; m < instance.members; m++) {
            int node = firstMember + m;
            int load = placement.load[m];
            if (reached(node) && load < instance.capacity[m]) {
                offer(node, 1, 0, 0, objective.balanceAdd(m, load), 0, STRUCTURAL, 0);
            }
            if (reached(1) && load > 0) {
                offer(1, node, 0, 0, -objective.balanceAdd(m, load - 1), 0, STRUCTURAL, 0);
            }
        }
    }

    private void relaxItem(int i) {
        int item = firstItem + i;
        int placed = placement.placed[i];
        if (reached(0) && placed < instance.reachable[i]) {
            offer(0, item, Objective.coverageAdd(placed), 0, 0, 0, STRUCTURAL, 0);
        }
        if (reached(item) && placed > 0) {
            offer(item, 0, -placed, 0, 0, 0, STRUCTURAL, 0);
        }
        for (int z = 0; z < instance.zones; z++) {
            int zoneItem = firstZoneItem + i * instance.zones + z;
            int count = placement.zoneCount(i, z);
            if (reached(item) && count < instance.zoneMembers[z]) {
                offer(item, zoneItem, 0, objective.zoneAdd(i, count), 0, 0, STRUCTURAL, 0);
            }
            if (reached(zoneItem) && count > 0) {
                offer(zoneItem, item, 0, objective.zoneRemove(i, count), 0, 0, STRUCTURAL, 0);
            }
        }
        for (int m = 0; m < instance.members; m++) {
            if (instance.capacity[m] == 0) {
                continue;
            }
            int zoneItem = firstZoneItem + i * instance.zones + instance.zoneOf[m];
            int member = firstMember + m;
            if (placement.holds(i, m)) {
                if (reached(member)) {
                    offer(member, zoneItem, 0, 0, 0, -objective.moveCost(i, m), UNASSIGN, i);
                }
            } else if (reached(zoneItem)) {
                offer(zoneItem, member, 0, 0, 0, objective.moveCost(i, m), ASSIGN, i);
            }
        }
    }
}
