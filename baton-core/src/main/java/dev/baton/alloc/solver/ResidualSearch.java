package dev.baton.alloc.solver;

import java.util.Arrays;

/**
 * Bellman-Ford over a residual network whose arcs a subclass generates on the fly. Costs are
 * {@link Objective} vectors (coverage, zone, balance, moves) kept as four components and
 * compared lexicographically.
 *
 * <p>Rounds are Jacobi-style: a round offers arcs from the labels at its start. Only arcs out
 * of nodes whose label changed in the previous round need offering again ({@link #fresh}).
 * After each round the parent graph is checked for a cycle: a parent cycle is always a
 * negative cycle, and one appears within {@code nodes} rounds whenever a negative cycle
 * exists, whatever finite labels the search starts from.
 *
 * <p>That is what lets {@link #negativeCycle} start from the previous search's labels. Every
 * arc offered since its source's label last changed still satisfies
 * {@code label(to) <= label(from) + cost} unless its cost changed, so the first round only
 * needs the arcs out of {@linkplain #markStale stale} nodes: those whose outgoing arcs
 * changed, and those whose label changed in the last round of the previous search, which
 * stopped before propagating it. After a small change a search costs a few small rounds.
 */
abstract class ResidualSearch {

    static final long UNREACHED = Long.MAX_VALUE;

    final int nodes;
    final long[] oldCoverage;
    final long[] oldZone;
    final long[] oldBalance;
    final long[] oldMoves;
    private final long[] coverage;
    private final long[] zone;
    private final long[] balance;
    private final long[] moves;
    private final int[] parent;
    private final int[] parentKind;
    private final int[] parentArg;
    private final long[][] arcCost;
    private final boolean[] changedBefore;
    private final boolean[] changedNow;
    private final int[] mark;
    private final boolean[] stale;
    private boolean allStale = true;
    private boolean firstRound;
    private boolean changed;

    ResidualSearch(int nodes) {
        this.nodes = nodes;
        oldCoverage = new long[nodes];
        oldZone = new long[nodes];
        oldBalance = new long[nodes];
        oldMoves = new long[nodes];
        coverage = new long[nodes];
        zone = new long[nodes];
        balance = new long[nodes];
        moves = new long[nodes];
        parent = new int[nodes];
        parentKind = new int[nodes];
        parentArg = new int[nodes];
        arcCost = new long[4][nodes];
        changedBefore = new boolean[nodes];
        changedNow = new boolean[nodes];
        mark = new int[nodes];
        stale = new boolean[nodes];
    }

    /** Records that arcs out of {@code node} changed since the last search. */
    final void markStale(int node) {
        stale[node] = true;
    }

    /** Records that arcs may have changed anywhere. */
    final void markAllStale() {
        allStale = true;
    }

    /**
     * Offers residual arcs through {@link #offer}, reading labels from the {@code old*} arrays:
     * at least every arc out of a node that is {@link #reached} and {@link #fresh}.
     */
    abstract void relaxAll();

    final boolean reached(int node) {
        return oldCoverage[node] != UNREACHED;
    }

    /** Whether arcs out of {@code node} must be offered this round: its label changed since they last were. */
    final boolean fresh(int node) {
        return firstRound ? allStale || stale[node] : changedBefore[node];
    }

    /** Offers the arc {@code from -> to} of cost (c, z, b, m); {@code from} must be {@link #reached}. */
    final void offer(int from, int to, long c, long z, long b, long m, int kind, int arg) {
        long nc = oldCoverage[from] + c;
        long nz = oldZone[from] + z;
        long nb = oldBalance[from] + b;
        long nm = oldMoves[from] + m;
        if (nc < coverage[to] || nc == coverage[to] && (nz < zone[to] || nz == zone[to]
                && (nb < balance[to] || nb == balance[to] && nm < moves[to]))) {
            coverage[to] = nc;
            zone[to] = nz;
            balance[to] = nb;
            moves[to] = nm;
            parent[to] = from;
            parentKind[to] = kind;
            parentArg[to] = arg;
            arcCost[0][to] = c;
            arcCost[1][to] = z;
            arcCost[2][to] = b;
            arcCost[3][to] = m;
            changedNow[to] = true;
            changed = true;
        }
    }

    /**
     * A cycle of negative cost, or null when there is none. Starts from the labels the last
     * search left (unreached ones read as zero), which any finite labels allow.
     */
    final Walk negativeCycle() {
        for (int v = 0; v < nodes; v++) {
            if (coverage[v] == UNREACHED) {
                coverage[v] = 0;
                zone[v] = 0;
                balance[v] = 0;
                moves[v] = 0;
            }
        }
        Arrays.fill(parent, -1);
        return search(-1);
    }

    /**
     * A cheapest path from {@code source} to {@code sink}; null when the sink is unreachable.
     * Returns a negative cycle instead if the search meets one.
     */
    final Walk cheapestPath(int source, int sink) {
        allStale = true;
        Arrays.fill(coverage, UNREACHED);
        Arrays.fill(parent, -1);
        coverage[source] = 0;
        zone[source] = 0;
        balance[source] = 0;
        moves[source] = 0;
        Walk cycle = search(source);
        allStale = true; // the labels now measure distance from the source, not what the next search starts from
        if (cycle != null || coverage[sink] == UNREACHED) {
            return cycle;
        }
        int length = 0;
        for (int v = sink; v != source; v = parent[v]) {
            length++;
        }
        Walk walk = new Walk(length);
        int k = length;
        for (int v = sink; v != source; v = parent[v]) {
            k--;
            walk.set(k, parent[v], v, parentKind[v], parentArg[v]);
        }
        return walk;
    }

    private Walk search(int source) {
        Arrays.fill(changedNow, false);
        firstRound = true;
        for (int round = 0; round <= nodes; round++) {
            System.arraycopy(coverage, 0, oldCoverage, 0, nodes);
            System.arraycopy(zone, 0, oldZone, 0, nodes);
            System.arraycopy(balance, 0, oldBalance, 0, nodes);
            System.arraycopy(moves, 0, oldMoves, 0, nodes);
            System.arraycopy(changedNow, 0, changedBefore, 0, nodes);
            Arrays.fill(changedNow, false);
            changed = false;
            relaxAll();
            if (firstRound) {
                firstRound = false;
                allStale = false;
                Arrays.fill(stale, false);
            }
            if (!changed) {
                return null;
            }
            int onCycle = parentCycleNode();
            if (onCycle >= 0) {
                for (int v = 0; v < nodes; v++) {
                    stale[v] |= changedNow[v];
                }
                return cycleThrough(onCycle);
            }
        }
        throw new IllegalStateException("residual search did not settle within " + (nodes + 1)
                + " rounds from node " + source + " and found no cycle");
    }

    private int parentCycleNode() {
        Arrays.fill(mark, 0);
        for (int v = 0; v < nodes; v++) {
            int x = v;
            while (x >= 0 && mark[x] == 0) {
                mark[x] = v + 1;
                x = parent[x];
            }
            if (x >= 0 && mark[x] == v + 1) {
                return x;
            }
        }
        return -1;
    }

    private Walk cycleThrough(int start) {
        int length = 0;
        int v = start;
        do {
            length++;
            v = parent[v];
        } while (v != start);
        Walk walk = new Walk(length);
        long[] sum = new long[4];
        v = start;
        for (int k = 0; k < length; k++) {
            walk.set(k, parent[v], v, parentKind[v], parentArg[v]);
            for (int c = 0; c < 4; c++) {
                sum[c] += arcCost[c][v];
            }
            v = parent[v];
        }
        if (!negative(sum)) {
            throw new IllegalStateException("parent cycle of non-negative cost " + Arrays.toString(sum));
        }
        return walk;
    }

    private static boolean negative(long[] cost) {
        for (long c : cost) {
            if (c != 0) {
                return c < 0;
            }
        }
        return false;
    }
}
