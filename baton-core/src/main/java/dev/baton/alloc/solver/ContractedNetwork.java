package dev.baton.alloc.solver;

import java.util.Arrays;

/**
 * The residual network of a {@link Placement}, contracted onto members plus a source and a sink.
 *
 * <h2>Why contraction is exact</h2>
 * The full network runs source → item → (item, zone) → member → sink. Apart from the source,
 * the sink and members, every node belongs to one item, so any residual path between two of
 * those "core" nodes that visits no other core node stays inside one item's nodes. Such a
 * segment is one of a few single-replica changes, each a contracted arc:
 * <ul>
 *   <li>{@link #MOVE} member u → member b: a replica of some item moves from u to b;
 *   <li>{@link #PLACE} source → member b: a missing replica of some item is placed on b;
 *   <li>{@link #RETURN} member or source → member b: like the two above, for an item that b held
 *       before, so it costs one move less;
 *   <li>{@link #DROP} member u → source: a replica on u is removed;
 *   <li>{@link #RELEASE} sink → member and {@link #FILL} member → sink: a load goes down or up.
 * </ul>
 * An arc's cost is the cheapest such segment, so a negative cycle of the full network yields a
 * negative closed walk here; and a negative cycle here whose arcs use distinct items is a
 * negative cycle of the full network, because distinct items touch disjoint item nodes and
 * each member appears once. So "no negative cycle here" certifies the placement optimal.
 *
 * <h2>Why it is small</h2>
 * The cost of moving a replica off member u toward zone z depends only on its
 * {@linkplain #CLASSES class}: whether u held it before and how the move changes the item's
 * zone-quota excess. Replicas are filed in exact pools per (member, target zone, class) and
 * per (member, drop class); missing replicas per (zone, placed count, quota excess) and, for
 * items a live member held before, per (that member, class). With each pool goes the short
 * list of members that hold every item in it (only holders of one pooled item can, so at most
 * its replica count): the arc u → b exists unless b is one of those. Arcs that return a
 * replica to a member that held it are item-specific and kept as plain lists per member; there
 * are as many as current assignments the placement dropped. A search round then costs
 * O(members × zones × classes) plus those, instead of O(members²). Pools change only for items
 * that change ({@link #detach}/{@link #attach}), so keeping them current costs
 * O(replicas × zones) per changed item.
 */
final class ContractedNetwork extends ResidualSearch {

    private static final int MOVE = 0;
    private static final int PLACE = 1;
    private static final int RETURN = 2;
    private static final int DROP = 3;
    private static final int RELEASE = 4;
    private static final int FILL = 5;

    /** Move classes: (zone-excess change + 1) * 2 + (1 if the source member held the item before). */
    private static final int CLASSES = 6;
    /** Sources kept per (zone, class) each round; more are scanned only when all of these are excluded. */
    private static final int TOP = 4;

    private final Instance instance;
    private final Objective objective;
    private final Placement placement;
    private final int zones;
    private final int source;
    private final int sink;
    private final int maxReach;

    /** Slots of member u whose replica would move toward zone z at class c, at {@link #pool}(u, z, c); lane z. */
    private final PoolFamily moves;
    /** Per move pool, the members that hold every item in it. */
    private final int[][] moveExcluded;

    /** Slots of member u by drop class, at u * dropClasses + class; ascending class is ascending cost. */
    private final int dropClasses;
    private final PoolFamily drops;
    /** Per member, its cheapest drop class with a slot in it; -1 for none. */
    private final int[] bestDrop;

    /** Per item, the live members that held it before and lack it now; null when there are none. */
    private final int[][] formerHolders;
    /**
     * Return arcs out of member u, as parallel lists (contiguous, since every search round
     * walks them): target, move class, item, and the slot and former-holder index they came
     * from. {@link #returnArcPos} finds an arc's position from its slot.
     */
    private final IntList[] returnTo;
    private final IntList[] returnClass;
    private final IntList[] returnItem;
    private final IntList[] returnSlot;
    private final IntList[] returnHolder;
    private final int[][] returnArcPos;

    /** Missing items by (zone, source class), at z * sourceClasses + class; lane z. */
    private final int sourceClasses;
    private final PoolFamily sources;
    /** Per source pool, the members of its zone that hold every item in it. */
    private final int[][] sourceExcluded;
    /** Missing items by (former holder b, source class toward b's zone), at b * sourceClasses + class. */
    private final IntList[] sourceReturnPool;
    /** Per missing item with former holders, its position in each of their source return pools. */
    private final int[][] sourceReturnPos;

    private final int[] topNode;
    private final int[] topCount;
    private final int[] sourcesInClass;

    ContractedNetwork(Instance instance, Placement placement) {
        super(instance.members + 2);
        this.instance = instance;
        this.objective = new Objective(instance);
        this.placement = placement;
        this.zones = instance.zones;
        this.source = instance.members;
        this.sink = instance.members + 1;
        int reach = 0;
        for (int r : instance.reachable) {
            reach = Math.max(reach, r);
        }
        maxReach = reach;
        int slots = placement.slotMember.length;

        int movePools = instance.members * zones * CLASSES;
        moves = new PoolFamily(movePools, slots, zones);
        moveExcluded = new int[movePools][];

        dropClasses = 4 * maxReach;
        drops = new PoolFamily(instance.members * dropClasses, slots, 1);
        bestDrop = new int[instance.members];

        formerHolders = new int[instance.items][];
        returnTo = new IntList[instance.members];
        returnClass = new IntList[instance.members];
        returnItem = new IntList[instance.members];
        returnSlot = new IntList[instance.members];
        returnHolder = new IntList[instance.members];
        for (int m = 0; m < instance.members; m++) {
            returnTo[m] = new IntList();
            returnClass[m] = new IntList();
            returnItem[m] = new IntList();
            returnSlot[m] = new IntList();
            returnHolder[m] = new IntList();
        }
        returnArcPos = new int[slots][];

        sourceClasses = 2 * maxReach;
        sources = new PoolFamily(zones * sourceClasses, instance.items, zones);
        sourceExcluded = new int[zones * sourceClasses][];
        sourceReturnPool = new IntList[instance.members * sourceClasses];
        sourceReturnPos = new int[instance.items][];

        topNode = new int[zones * CLASSES * TOP];
        topCount = new int[zones * CLASSES];
        sourcesInClass = new int[zones * CLASSES];
        rebuild();
    }

    int source() {
        return source;
    }

    int sink() {
        return sink;
    }

    /** Files every item afresh, for changes made without {@link #detach}/{@link #attach}. */
    void rebuild() {
        markAllStale();
        moves.clear();
        Arrays.fill(moveExcluded, null);
        sources.clear();
        Arrays.fill(sourceExcluded, null);
        drops.clear();
        Arrays.fill(bestDrop, -1);
        for (int m = 0; m < instance.members; m++) {
            returnTo[m].truncate(0);
            returnClass[m].truncate(0);
            returnItem[m].truncate(0);
            returnSlot[m].truncate(0);
            returnHolder[m].truncate(0);
        }
        Arrays.fill(returnArcPos, null);
        Arrays.fill(sourceReturnPool, null);
        for (int i = 0; i < instance.items; i++) {
            attach(i);
        }
    }

    /** Recomputes what depends on changed pools; call before each search. */
    void refresh() {
        moves.drainChanged(p -> moveExcluded[p] = moves.size(p) == 0 ? null
                : excludedMembers(moves.get(p), true, p / CLASSES % zones, p / (zones * CLASSES)));
        sources.drainChanged(p -> sourceExcluded[p] = sources.size(p) == 0 ? null
                : excludedMembers(sources.get(p), false, p / sourceClasses, source));
        drops.drainChanged(p -> bestDrop[p / dropClasses] = cheapestDrop(p / dropClasses));
    }

    private int cheapestDrop(int member) {
        for (int c = 0; c < dropClasses; c++) {
            if (drops.size(member * dropClasses + c) > 0) {
                return c;
            }
        }
        return -1;
    }

    // ---- classes and costs -------------------------------------------------------------

    private int moveClass(int i, int from, int zone) {
        int fromZone = instance.zoneOf[from];
        int zoneChange = zone == fromZone ? 0
                : objective.zoneRemove(i, placement.zoneCount(i, fromZone)) + objective.zoneAdd(i, placement.zoneCount(i, zone));
        return (zoneChange + 1) * 2 + (instance.isCurrent(i, from) ? 1 : 0);
    }

    private int sourceClass(int i, int zone) {
        return placement.placed[i] * 2 + objective.zoneAdd(i, placement.zoneCount(i, zone));
    }

    /** Drop class of item i on member u, ordered as its cost (-placed, zone change, move change). */
    private int dropClass(int i, int u) {
        int zoneChange = objective.zoneRemove(i, placement.zoneCount(i, instance.zoneOf[u]));
        int moveChange = instance.isCurrent(i, u) ? 0 : -1;
        return (maxReach - placement.placed[i]) * 4 + (zoneChange + 1) * 2 + (moveChange + 1);
    }

    private boolean missing(int i) {
        return placement.placed[i] < instance.reachable[i];
    }

    /** The live members that held item i before and lack it now, or null. */
    private int[] findFormerHolders(int i) {
        int[] found = null;
        int count = 0;
        for (int k = instance.currentStart[i]; k < instance.currentStart[i + 1]; k++) {
            int b = instance.currentMember[k];
            if (instance.capacity[b] > 0 && !placement.holds(i, b)) {
                if (found == null) {
                    found = new int[instance.currentStart[i + 1] - k];
                }
                found[count++] = b;
            }
        }
        return found == null ? null : Arrays.copyOf(found, count);
    }

    private int pool(int member, int zone, int moveClass) {
        return (member * zones + zone) * CLASSES + moveClass;
    }

    // ---- filing items -----------------------------------------------------------------

    /** Call before item i changes: takes it out of every pool. Its state must be as when it was attached. */
    void detach(int i) {
        int start = placement.slotStart[i];
        for (int s = start; s < start + placement.placed[i]; s++) {
            int u = placement.slotMember[s];
            markStale(u);
            for (int z = 0; z < zones; z++) {
                if (instance.zoneMembers[z] > 0) {
                    moves.remove(pool(u, z, moveClass(i, u, z)), s, z);
                }
            }
            drops.remove(u * dropClasses + dropClass(i, u), s, 0);
            int[] arcs = returnArcPos[s];
            for (int k = 0; arcs != null && k < arcs.length; k++) {
                removeReturnArc(u, arcs[k]);
            }
            returnArcPos[s] = null;
        }
        if (missing(i)) {
            markStale(source);
            for (int z = 0; z < zones; z++) {
                if (instance.zoneMembers[z] > 0) {
                    sources.remove(z * sourceClasses + sourceClass(i, z), i, z);
                }
            }
            int[] holders = formerHolders[i];
            for (int k = 0; holders != null && k < holders.length; k++) {
                int p = holders[k] * sourceClasses + sourceClass(i, instance.zoneOf[holders[k]]);
                IntList pool = sourceReturnPool[p];
                int pos = sourceReturnPos[i][k];
                int last = pool.get(pool.size() - 1);
                pool.set(pos, last);
                sourceReturnPos[last][indexOf(formerHolders[last], holders[k])] = pos;
                pool.truncate(pool.size() - 1);
            }
            sourceReturnPos[i] = null;
        }
        formerHolders[i] = null;
    }

    /** Call after item i changed: files it in the pools its new state belongs to. */
    void attach(int i) {
        int[] holders = findFormerHolders(i);
        formerHolders[i] = holders;
        boolean returning = holders != null;
        int start = placement.slotStart[i];
        for (int s = start; s < start + placement.placed[i]; s++) {
            int u = placement.slotMember[s];
            markStale(u);
            for (int z = 0; z < zones; z++) {
                if (instance.zoneMembers[z] > 0) {
                    moves.add(pool(u, z, moveClass(i, u, z)), s, z);
                }
            }
            drops.add(u * dropClasses + dropClass(i, u), s, 0);
            returnArcPos[s] = null;
            if (returning) {
                returnArcPos[s] = new int[holders.length];
                for (int k = 0; k < holders.length; k++) {
                    returnArcPos[s][k] = returnTo[u].size();
                    returnTo[u].add(holders[k]);
                    returnClass[u].add(moveClass(i, u, instance.zoneOf[holders[k]]));
                    returnItem[u].add(i);
                    returnSlot[u].add(s);
                    returnHolder[u].add(k);
                }
            }
        }
        if (missing(i)) {
            markStale(source);
            for (int z = 0; z < zones; z++) {
                if (instance.zoneMembers[z] > 0) {
                    sources.add(z * sourceClasses + sourceClass(i, z), i, z);
                }
            }
            if (returning) {
                sourceReturnPos[i] = new int[holders.length];
                for (int k = 0; k < holders.length; k++) {
                    int p = holders[k] * sourceClasses + sourceClass(i, instance.zoneOf[holders[k]]);
                    if (sourceReturnPool[p] == null) {
                        sourceReturnPool[p] = new IntList();
                    }
                    sourceReturnPos[i][k] = sourceReturnPool[p].size();
                    sourceReturnPool[p].add(i);
                }
            }
        }
    }

    private static int indexOf(int[] values, int value) {
        for (int k = 0; k < values.length; k++) {
            if (values[k] == value) {
                return k;
            }
        }
        throw new IllegalStateException("value " + value + " not found");
    }

    /** Removes the return arc at {@code pos} of member u's lists, moving the last arc into its place. */
    private void removeReturnArc(int u, int pos) {
        int last = returnTo[u].size() - 1;
        if (pos != last) {
            returnTo[u].set(pos, returnTo[u].get(last));
            returnClass[u].set(pos, returnClass[u].get(last));
            returnItem[u].set(pos, returnItem[u].get(last));
            returnSlot[u].set(pos, returnSlot[u].get(last));
            returnHolder[u].set(pos, returnHolder[u].get(last));
            returnArcPos[returnSlot[u].get(pos)][returnHolder[u].get(pos)] = pos;
        }
        returnTo[u].truncate(last);
        returnClass[u].truncate(last);
        returnItem[u].truncate(last);
        returnSlot[u].truncate(last);
        returnHolder[u].truncate(last);
    }

    // ---- pool queries -----------------------------------------------------------------

    private static int size(IntList pool) {
        return pool == null ? 0 : pool.size();
    }

    /**
     * The first item of a pool (of slots, or of items) that member {@code b} (-1: any member)
     * does not hold and {@code used} does not contain; or -1.
     */
    private int availableItem(IntList pool, boolean ofSlots, int b, IntList used) {
        for (int k = 0; k < size(pool); k++) {
            int i = ofSlots ? placement.slotItem[pool.get(k)] : pool.get(k);
            if (!placement.holds(i, b) && (used == null || !used.contains(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Members of {@code zone} that hold every item of a pool (so no item of it can go there).
     * Only holders of the pool's first item qualify, so at most its replica count are checked.
     */
    private int[] excludedMembers(IntList pool, boolean ofSlots, int zone, int from) {
        int first = ofSlots ? placement.slotItem[pool.get(0)] : pool.get(0);
        int[] excluded = null;
        int found = 0;
        int start = placement.slotStart[first];
        for (int s = start; s < start + placement.placed[first]; s++) {
            int b = placement.slotMember[s];
            if (b == from || instance.zoneOf[b] != zone || availableItem(pool, ofSlots, b, null) >= 0) {
                continue;
            }
            if (excluded == null) {
                excluded = new int[placement.placed[first]];
            }
            excluded[found++] = b;
        }
        return excluded == null ? null : Arrays.copyOf(excluded, found);
    }

    private static boolean contains(int[] values, int value) {
        if (values != null) {
            for (int v : values) {
                if (v == value) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean canMove(int u, int zone, int moveClass, int b) {
        int p = pool(u, zone, moveClass);
        return u != b && moves.size(p) > 0 && !contains(moveExcluded[p], b);
    }

    private boolean canPlace(int sourceClass, int b) {
        int p = instance.zoneOf[b] * sourceClasses + sourceClass;
        return sources.size(p) > 0 && !contains(sourceExcluded[p], b);
    }

    // ---- search -----------------------------------------------------------------------

    @Override
    void relaxAll() {
        collectTopSources();
        for (int b = 0; b < instance.members; b++) {
            if (instance.capacity[b] > 0) {
                relaxInto(b);
            }
        }
        for (int m = 0; m < instance.members; m++) {
            if (!reached(m) || !fresh(m)) {
                continue;
            }
            int load = placement.load[m];
            if (load < instance.capacity[m]) {
                offer(m, sink, 0, 0, objective.balanceAdd(m, load), 0, FILL, 0);
            }
            if (bestDrop[m] >= 0) {
                int d = bestDrop[m];
                offer(m, source, -(maxReach - d / 4), d % 4 / 2 - 1, 0, d % 2 - 1, DROP, d);
            }
            IntList to = returnTo[m];
            IntList classes = returnClass[m];
            IntList items = returnItem[m];
            for (int k = 0; k < to.size(); k++) {
                int c = classes.get(k);
                offer(m, to.get(k), 0, c / 2 - 1, 0, c % 2 - 1, RETURN, items.get(k));
            }
        }
    }

    /** For each (target zone, class): the {@link #TOP} fresh reached members with the smallest label. */
    private void collectTopSources() {
        Arrays.fill(topCount, 0);
        Arrays.fill(sourcesInClass, 0);
        for (int u = 0; u < instance.members; u++) {
            if (!reached(u) || !fresh(u) || placement.load[u] == 0) {
                continue;
            }
            for (int z = 0; z < zones; z++) {
                for (int c = 0; c < CLASSES; c++) {
                    if (moves.size(pool(u, z, c)) > 0) {
                        int list = z * CLASSES + c;
                        sourcesInClass[list]++;
                        insertTop(list, u);
                    }
                }
            }
        }
    }

    private void insertTop(int list, int u) {
        int base = list * TOP;
        int count = topCount[list];
        int k = count;
        while (k > 0 && closer(u, topNode[base + k - 1])) {
            k--;
        }
        if (k >= TOP) {
            return;
        }
        for (int j = Math.min(count, TOP - 1); j > k; j--) {
            topNode[base + j] = topNode[base + j - 1];
        }
        topNode[base + k] = u;
        topCount[list] = Math.min(count + 1, TOP);
    }

    private boolean closer(int a, int b) {
        return oldCoverage[a] < oldCoverage[b] || oldCoverage[a] == oldCoverage[b] && (oldZone[a] < oldZone[b]
                || oldZone[a] == oldZone[b] && (oldBalance[a] < oldBalance[b]
                || oldBalance[a] == oldBalance[b] && oldMoves[a] < oldMoves[b]));
    }

    private void relaxInto(int b) {
        int zone = instance.zoneOf[b];
        for (int c = 0; c < CLASSES; c++) {
            int u = nearestSource(zone, c, b);
            if (u >= 0) {
                offer(u, b, 0, c / 2 - 1, 0, c % 2, MOVE, c);
            }
        }
        if (reached(source) && fresh(source)) {
            for (int c = 0; c < sourceClasses; c++) {
                if (canPlace(c, b)) {
                    offer(source, b, Objective.coverageAdd(c / 2), c % 2, 0, 1, PLACE, c);
                    break;
                }
            }
            for (int c = 0; c < sourceClasses; c++) {
                if (size(sourceReturnPool[b * sourceClasses + c]) > 0) {
                    offer(source, b, Objective.coverageAdd(c / 2), c % 2, 0, 0, RETURN, c);
                    break;
                }
            }
        }
        int load = placement.load[b];
        if (reached(sink) && fresh(sink) && load > 0) {
            offer(sink, b, 0, 0, -objective.balanceAdd(b, load - 1), 0, RELEASE, 0);
        }
    }

    private int nearestSource(int zone, int moveClass, int b) {
        int list = zone * CLASSES + moveClass;
        for (int k = 0; k < topCount[list]; k++) {
            int u = topNode[list * TOP + k];
            if (canMove(u, zone, moveClass, b)) {
                return u;
            }
        }
        if (sourcesInClass[list] <= topCount[list]) {
            return -1;
        }
        int best = -1;
        for (int u = 0; u < instance.members; u++) {
            if (reached(u) && fresh(u) && canMove(u, zone, moveClass, b) && (best < 0 || closer(u, best))) {
                best = u;
            }
        }
        return best;
    }

    // ---- realization ------------------------------------------------------------------

    /**
     * The cost of a walk found earlier, re-evaluated on the current placement (after
     * {@link #refresh}), or null if one of its arcs no longer exists.
     */
    long[] cost(Walk walk) {
        long[] total = new long[4];
        for (int k = 0; k < walk.length(); k++) {
            int from = walk.from[k];
            int to = walk.to[k];
            int arg = walk.arg[k];
            long[] arc;
            switch (walk.kind[k]) {
                case MOVE -> arc = canMove(from, instance.zoneOf[to], arg, to) ? new long[] {0, arg / 2 - 1, 0, arg % 2} : null;
                case PLACE -> arc = canPlace(arg, to) ? new long[] {Objective.coverageAdd(arg / 2), arg % 2, 0, 1} : null;
                case RETURN -> arc = returnCost(from, to, arg);
                case DROP -> arc = drops.size(from * dropClasses + arg) > 0
                        ? new long[] {-(maxReach - arg / 4), arg % 4 / 2 - 1, 0, arg % 2 - 1} : null;
                case FILL -> arc = placement.load[from] < instance.capacity[from]
                        ? new long[] {0, 0, objective.balanceAdd(from, placement.load[from]), 0} : null;
                default -> arc = placement.load[to] > 0
                        ? new long[] {0, 0, -objective.balanceAdd(to, placement.load[to] - 1), 0} : null;
            }
            if (arc == null) {
                return null;
            }
            for (int c = 0; c < 4; c++) {
                total[c] += arc[c];
            }
        }
        return total;
    }

    /** Cost of a return arc: {@code arg} is a source class when it starts at the source, else the item. */
    private long[] returnCost(int from, int to, int arg) {
        if (from == source) {
            return size(sourceReturnPool[to * sourceClasses + arg]) > 0
                    ? new long[] {Objective.coverageAdd(arg / 2), arg % 2, 0, 0} : null;
        }
        int i = arg;
        if (placement.holds(i, to) || !instance.isCurrent(i, to) || !placement.holds(i, from)) {
            return null;
        }
        int c = moveClass(i, from, instance.zoneOf[to]);
        return new long[] {0, c / 2 - 1, 0, c % 2 - 1};
    }

    /**
     * Applies a walk found by this network's search, choosing a distinct item for each arc.
     * Returns false, changing nothing, when no choice of distinct items exists.
     */
    boolean apply(Walk walk) {
        int[] items = new int[walk.length()];
        IntList used = new IntList();
        for (int k = 0; k < walk.length(); k++) {
            int i = chooseItem(walk.kind[k], walk.from[k], walk.to[k], walk.arg[k], used);
            if (i == -2) {
                return false;
            }
            items[k] = i;
            if (i >= 0) {
                used.add(i);
            }
        }
        for (int k = 0; k < used.size(); k++) {
            detach(used.get(k));
        }
        for (int k = 0; k < walk.length(); k++) {
            int i = items[k];
            int from = walk.from[k];
            int to = walk.to[k];
            switch (walk.kind[k]) {
                case MOVE -> placement.move(i, from, to);
                case PLACE -> placement.assign(i, to);
                case RETURN -> {
                    if (from == source) {
                        placement.assign(i, to);
                    } else {
                        placement.move(i, from, to);
                    }
                }
                case DROP -> placement.unassign(i, from);
                default -> {
                    // RELEASE and FILL change a load, which the other arcs already did.
                }
            }
        }
        for (int k = 0; k < used.size(); k++) {
            attach(used.get(k));
        }
        markStale(sink); // loads changed, and with them the sink's arcs
        return true;
    }

    /** The item an arc moves: an item index, -1 for arcs that move none, -2 when none is available. */
    private int chooseItem(int kind, int from, int to, int arg, IntList used) {
        int found;
        switch (kind) {
            case MOVE -> found = availableItem(moves.get(pool(from, instance.zoneOf[to], arg)), true, to, used);
            case PLACE -> found = availableItem(sources.get(instance.zoneOf[to] * sourceClasses + arg), false, to, used);
            case RETURN -> found = from == source
                    ? availableItem(sourceReturnPool[to * sourceClasses + arg], false, -1, used)
                    : used.contains(arg) ? -1 : arg;
            case DROP -> found = availableItem(drops.get(from * dropClasses + arg), true, -1, used);
            default -> {
                return -1;
            }
        }
        return found < 0 ? -2 : found;
    }
}
