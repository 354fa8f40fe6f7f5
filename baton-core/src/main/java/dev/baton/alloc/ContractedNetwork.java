package dev.baton.alloc;

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
 * The cost of moving an item's replica off member u toward zone z depends only on its
 * {@linkplain #CLASSES class}: whether u held it before and how the move changes the item's
 * zone-quota excess. Items on u are pooled per (target zone, class) with a count, a few
 * witnesses, and the members of z that hold every item of the pool (only holders of one
 * pooled item can, so at most its replica count): the arc u → b exists unless b is one of
 * those. Missing replicas are pooled the same way per (zone, placed count, quota excess), as
 * exact sets. A search round then costs O(members × zones × classes) plus the return arcs,
 * instead of O(members²); pools are rebuilt only for members whose items changed.
 */
final class ContractedNetwork extends ResidualSearch {

    static final int MOVE = 0;
    static final int PLACE = 1;
    static final int RETURN = 2;
    static final int DROP = 3;
    static final int RELEASE = 4;
    static final int FILL = 5;

    /** Move classes: (zone-excess change + 1) * 2 + (1 if the source member held the item before). */
    static final int CLASSES = 6;
    private static final int WITNESSES = 4;
    /** Sources kept per (zone, class) each round; more are scanned only when all of these are excluded. */
    private static final int TOP = 4;

    private final Instance in;
    private final Objective objective;
    private final Placement placement;
    private final int source;
    private final int sink;

    private final int[] poolCount;
    private final int[] poolWitness;
    private final int[][] poolExcluded;
    private final long[][] dropCost;
    private final IntList[] returnTo;
    private final IntList[] returnItem;
    private final IntList[] returnClass;
    private final boolean[] dirty;

    private final int sourceClasses;
    private final IntList[] sourcePool;
    private final int[] sourcePos;
    private final int[] sourcePoolOf;
    private final int[][] sourceExcluded;
    private final IntList sourceReturning = new IntList();
    private final int[] sourceReturningPos;
    private final IntList sourceReturnTo = new IntList();
    private final IntList sourceReturnItem = new IntList();
    private boolean sourceReturnsStale = true;

    private final int[] topNode;
    private final int[] topCount;
    private final int[] sourcesInClass;

    ContractedNetwork(Instance in, Placement placement) {
        super(in.members + 2);
        this.in = in;
        this.objective = new Objective(in);
        this.placement = placement;
        this.source = in.members;
        this.sink = in.members + 1;
        int pools = in.members * in.zones * CLASSES;
        poolCount = new int[pools];
        poolWitness = new int[pools * WITNESSES];
        poolExcluded = new int[pools][];
        dropCost = new long[in.members][];
        returnTo = new IntList[in.members];
        returnItem = new IntList[in.members];
        returnClass = new IntList[in.members];
        dirty = new boolean[in.members];
        Arrays.fill(dirty, true);
        int maxReach = 0;
        for (int r : in.reachable) {
            maxReach = Math.max(maxReach, r);
        }
        sourceClasses = 2 * maxReach;
        sourcePool = new IntList[in.zones * sourceClasses];
        sourceExcluded = new int[in.zones * sourceClasses][];
        sourcePos = new int[in.items * in.zones];
        sourcePoolOf = new int[in.items * in.zones];
        Arrays.fill(sourcePoolOf, -1);
        sourceReturningPos = new int[in.items];
        Arrays.fill(sourceReturningPos, -1);
        for (int i = 0; i < in.items; i++) {
            attach(i);
        }
        topNode = new int[in.zones * CLASSES * TOP];
        topCount = new int[in.zones * CLASSES];
        sourcesInClass = new int[in.zones * CLASSES];
    }

    int source() {
        return source;
    }

    int sink() {
        return sink;
    }

    /** Brings pools and return arcs up to date with the placement; call before each search. */
    void refresh() {
        for (int m = 0; m < in.members; m++) {
            if (dirty[m]) {
                rebuildMember(m);
                dirty[m] = false;
            }
        }
        for (int z = 0; z < in.zones; z++) {
            for (int c = 0; c < sourceClasses; c++) {
                int p = z * sourceClasses + c;
                IntList pool = sourcePool[p];
                sourceExcluded[p] = pool == null || pool.size() == 0 ? null : excludedMembers(p, z, source, c);
            }
        }
        if (sourceReturnsStale) {
            sourceReturnTo.truncate(0);
            sourceReturnItem.truncate(0);
            for (int k = 0; k < sourceReturning.size(); k++) {
                int i = sourceReturning.get(k);
                for (int r = formerHolder(i, in.currentStart[i]); r >= 0; r = formerHolder(i, r + 1)) {
                    sourceReturnTo.add(in.currentMember[r]);
                    sourceReturnItem.add(i);
                }
            }
            sourceReturnsStale = false;
        }
    }

    /** Rebuilds everything, for changes made behind this network's back. */
    void invalidate() {
        for (int i = 0; i < in.items; i++) {
            detach(i);
            attach(i);
        }
        Arrays.fill(dirty, true);
    }

    // ---- classes and costs -------------------------------------------------------------

    private int moveClass(int i, int from, int zone) {
        int fromZone = in.zoneOf[from];
        int zoneChange = zone == fromZone ? 0
                : objective.zoneRemove(i, placement.zoneCount(i, fromZone)) + objective.zoneAdd(i, placement.zoneCount(i, zone));
        return (zoneChange + 1) * 2 + (in.isCurrent(i, from) ? 1 : 0);
    }

    private int sourceClass(int i, int zone) {
        return placement.placed[i] * 2 + objective.zoneAdd(i, placement.zoneCount(i, zone));
    }

    private boolean missing(int i) {
        return placement.placed[i] < in.reachable[i];
    }

    /** Drop cost of item i from member u: (coverage, zone, moves); balance is on the sink arcs. */
    private long dropCoverage(int i) {
        return -placement.placed[i];
    }

    private long dropZone(int i, int u) {
        return objective.zoneRemove(i, placement.zoneCount(i, in.zoneOf[u]));
    }

    private long dropMoves(int i, int u) {
        return in.isCurrent(i, u) ? 0 : -1;
    }

    /** A live member that held item i before and does not hold it now, from index k of its current list; or -1. */
    private int formerHolder(int i, int k) {
        for (; k < in.currentStart[i + 1]; k++) {
            int b = in.currentMember[k];
            if (in.capacity[b] > 0 && !placement.holds(i, b)) {
                return k;
            }
        }
        return -1;
    }

    // ---- member pools -----------------------------------------------------------------

    private int pool(int member, int zone, int moveClass) {
        return (member * in.zones + zone) * CLASSES + moveClass;
    }

    private void rebuildMember(int u) {
        int first = pool(u, 0, 0);
        Arrays.fill(poolCount, first, first + in.zones * CLASSES, 0);
        Arrays.fill(poolExcluded, first, first + in.zones * CLASSES, null);
        if (returnTo[u] == null) {
            returnTo[u] = new IntList();
            returnItem[u] = new IntList();
            returnClass[u] = new IntList();
        }
        returnTo[u].truncate(0);
        returnItem[u].truncate(0);
        returnClass[u].truncate(0);
        long bestCoverage = 0;
        long bestZone = 0;
        long bestMoves = 0;
        int[] slots = placement.held[u];
        for (int k = 0; k < placement.load[u]; k++) {
            int i = placement.slotItem[slots[k]];
            for (int z = 0; z < in.zones; z++) {
                if (in.zoneMembers[z] > 0) {
                    int p = pool(u, z, moveClass(i, u, z));
                    if (poolCount[p] < WITNESSES) {
                        poolWitness[p * WITNESSES + poolCount[p]] = i;
                    }
                    poolCount[p]++;
                }
            }
            long c = dropCoverage(i);
            long z = dropZone(i, u);
            long m = dropMoves(i, u);
            if (k == 0 || c < bestCoverage || c == bestCoverage && (z < bestZone || z == bestZone && m < bestMoves)) {
                bestCoverage = c;
                bestZone = z;
                bestMoves = m;
            }
            for (int r = formerHolder(i, in.currentStart[i]); r >= 0; r = formerHolder(i, r + 1)) {
                int b = in.currentMember[r];
                returnTo[u].add(b);
                returnItem[u].add(i);
                returnClass[u].add(moveClass(i, u, in.zoneOf[b]));
            }
        }
        dropCost[u] = placement.load[u] == 0 ? null : new long[] {bestCoverage, bestZone, bestMoves};
        for (int z = 0; z < in.zones; z++) {
            for (int c = 0; c < CLASSES; c++) {
                int p = pool(u, z, c);
                if (poolCount[p] > 0) {
                    poolExcluded[p] = excludedMembers(p, z, u, c);
                }
            }
        }
    }

    // ---- source pools -----------------------------------------------------------------

    /** Call before item i changes: marks its holders stale and takes it out of the source pools. */
    void detach(int i) {
        markHolders(i);
        for (int z = 0; z < in.zones; z++) {
            int slot = i * in.zones + z;
            int p = sourcePoolOf[slot];
            if (p >= 0) {
                IntList pool = sourcePool[p];
                int pos = sourcePos[slot];
                int last = pool.get(pool.size() - 1);
                pool.set(pos, last);
                sourcePos[last * in.zones + z] = pos;
                pool.truncate(pool.size() - 1);
                sourcePoolOf[slot] = -1;
            }
        }
        int pos = sourceReturningPos[i];
        if (pos >= 0) {
            int last = sourceReturning.get(sourceReturning.size() - 1);
            sourceReturning.set(pos, last);
            sourceReturningPos[last] = pos;
            sourceReturning.truncate(sourceReturning.size() - 1);
            sourceReturningPos[i] = -1;
            sourceReturnsStale = true;
        }
    }

    /** Call after item i changed: marks its holders stale and files it in the source pools if it is missing replicas. */
    void attach(int i) {
        markHolders(i);
        if (!missing(i)) {
            return;
        }
        for (int z = 0; z < in.zones; z++) {
            if (in.zoneMembers[z] > 0) {
                int p = z * sourceClasses + sourceClass(i, z);
                if (sourcePool[p] == null) {
                    sourcePool[p] = new IntList();
                }
                sourcePos[i * in.zones + z] = sourcePool[p].size();
                sourcePoolOf[i * in.zones + z] = p;
                sourcePool[p].add(i);
            }
        }
        if (formerHolder(i, in.currentStart[i]) >= 0) {
            sourceReturningPos[i] = sourceReturning.size();
            sourceReturning.add(i);
            sourceReturnsStale = true;
        }
    }

    private void markHolders(int i) {
        int start = placement.slotStart[i];
        for (int s = start; s < start + placement.placed[i]; s++) {
            dirty[placement.slotMember[s]] = true;
        }
    }

    // ---- pool membership ----------------------------------------------------------------

    private int poolSize(int p, int from) {
        if (from == source) {
            IntList pool = sourcePool[p];
            return pool == null ? 0 : pool.size();
        }
        return poolCount[p];
    }

    private int witness(int p, int from, int k) {
        return from == source ? sourcePool[p].get(k) : poolWitness[p * WITNESSES + k];
    }

    /**
     * Members of {@code zone} that hold every item of a pool (so no item of it can go there).
     * Only holders of one pooled item qualify, so at most that item's replica count are checked.
     */
    private int[] excludedMembers(int p, int zone, int from, int poolClass) {
        int first = witness(p, from, 0);
        int[] excluded = null;
        int found = 0;
        int start = placement.slotStart[first];
        for (int s = start; s < start + placement.placed[first]; s++) {
            int b = placement.slotMember[s];
            if (b == from || in.zoneOf[b] != zone || availableItem(p, zone, from, poolClass, b, null) >= 0) {
                continue;
            }
            if (excluded == null) {
                excluded = new int[placement.placed[first]];
            }
            excluded[found++] = b;
        }
        return excluded == null ? null : Arrays.copyOf(excluded, found);
    }

    /**
     * An item of the pool that member {@code b} does not hold and {@code used} does not contain,
     * or -1. A few witnesses are tried first; the whole pool is scanned only when they all fail.
     */
    private int availableItem(int p, int zone, int from, int poolClass, int b, IntList used) {
        int size = poolSize(p, from);
        int shown = Math.min(size, WITNESSES);
        for (int k = 0; k < shown; k++) {
            int i = witness(p, from, k);
            if (!placement.holds(i, b) && (used == null || !used.contains(i))) {
                return i;
            }
        }
        if (size <= WITNESSES) {
            return -1;
        }
        if (from == source) {
            IntList pool = sourcePool[p];
            for (int k = WITNESSES; k < size; k++) {
                int i = pool.get(k);
                if (!placement.holds(i, b) && (used == null || !used.contains(i))) {
                    return i;
                }
            }
            return -1;
        }
        int[] slots = placement.held[from];
        for (int k = 0; k < placement.load[from]; k++) {
            int i = placement.slotItem[slots[k]];
            if (moveClass(i, from, zone) == poolClass && !placement.holds(i, b) && (used == null || !used.contains(i))) {
                return i;
            }
        }
        return -1;
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

    // ---- search -----------------------------------------------------------------------

    @Override
    void relaxAll() {
        collectTopSources();
        for (int b = 0; b < in.members; b++) {
            if (in.capacity[b] > 0) {
                relaxInto(b);
            }
        }
        if (reached(source) && fresh(source)) {
            for (int k = 0; k < sourceReturnTo.size(); k++) {
                int i = sourceReturnItem.get(k);
                int b = sourceReturnTo.get(k);
                offer(source, b, Objective.coverageAdd(placement.placed[i]),
                        objective.zoneAdd(i, placement.zoneCount(i, in.zoneOf[b])), 0, 0, RETURN, i);
            }
        }
        for (int m = 0; m < in.members; m++) {
            if (!reached(m) || !fresh(m)) {
                continue;
            }
            int load = placement.load[m];
            if (load < in.capacity[m]) {
                offer(m, sink, 0, 0, objective.balanceAdd(m, load), 0, FILL, 0);
            }
            if (load > 0) {
                long[] drop = dropCost[m];
                offer(m, source, drop[0], drop[1], 0, drop[2], DROP, 0);
                IntList to = returnTo[m];
                IntList item = returnItem[m];
                IntList moveClass = returnClass[m];
                for (int k = 0; k < to.size(); k++) {
                    int c = moveClass.get(k);
                    offer(m, to.get(k), 0, c / 2 - 1, 0, c % 2 - 1, RETURN, item.get(k));
                }
            }
        }
    }

    /** For each (target zone, class): the {@link #TOP} fresh reached members with the smallest label. */
    private void collectTopSources() {
        Arrays.fill(topCount, 0);
        Arrays.fill(sourcesInClass, 0);
        for (int u = 0; u < in.members; u++) {
            if (!reached(u) || !fresh(u) || placement.load[u] == 0) {
                continue;
            }
            for (int z = 0; z < in.zones; z++) {
                for (int c = 0; c < CLASSES; c++) {
                    if (poolCount[pool(u, z, c)] > 0) {
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
        int zone = in.zoneOf[b];
        for (int c = 0; c < CLASSES; c++) {
            int u = nearestSource(zone, c, b);
            if (u >= 0) {
                offer(u, b, 0, c / 2 - 1, 0, c % 2, MOVE, c);
            }
        }
        if (reached(source) && fresh(source)) {
            for (int c = 0; c < sourceClasses; c++) {
                int p = zone * sourceClasses + c;
                if (poolSize(p, source) > 0 && !contains(sourceExcluded[p], b)) {
                    offer(source, b, Objective.coverageAdd(c / 2), c % 2, 0, 1, PLACE, c);
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
        for (int u = 0; u < in.members; u++) {
            if (reached(u) && fresh(u) && poolCount[pool(u, zone, moveClass)] > 0 && canMove(u, zone, moveClass, b)
                    && (best < 0 || closer(u, best))) {
                best = u;
            }
        }
        return best;
    }

    private boolean canMove(int u, int zone, int moveClass, int b) {
        return u != b && !contains(poolExcluded[pool(u, zone, moveClass)], b);
    }

    // ---- realization ------------------------------------------------------------------

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
        return true;
    }

    /** The item an arc moves: an item index, -1 for arcs that move none, -2 when none is available. */
    private int chooseItem(int kind, int from, int to, int arg, IntList used) {
        int found;
        switch (kind) {
            case MOVE -> {
                int zone = in.zoneOf[to];
                found = availableItem(pool(from, zone, arg), zone, from, arg, to, used);
            }
            case PLACE -> {
                int zone = in.zoneOf[to];
                found = availableItem(zone * sourceClasses + arg, zone, source, arg, to, used);
            }
            case RETURN -> found = used.contains(arg) ? -1 : arg;
            case DROP -> found = droppableItem(from, used);
            default -> {
                return -1;
            }
        }
        return found < 0 ? -2 : found;
    }

    private int droppableItem(int u, IntList used) {
        long[] best = dropCost[u];
        int[] slots = placement.held[u];
        for (int k = 0; k < placement.load[u]; k++) {
            int i = placement.slotItem[slots[k]];
            if (!used.contains(i) && dropCoverage(i) == best[0] && dropZone(i, u) == best[1] && dropMoves(i, u) == best[2]) {
                return i;
            }
        }
        return -1;
    }
}
