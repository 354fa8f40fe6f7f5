package dev.baton.alloc.solver;

import java.util.Arrays;

/**
 * A fast first placement that is already optimal in the common cases (a fresh start, a member
 * joining or leaving, a zone lost or regained, a replica count changed), built top-down:
 * <ol>
 *   <li>replica counts per item: the maximum placement spread as evenly as possible;
 *   <li>keep current assignments that fit member capacity, the item's count and the item's
 *       quota in that zone, preferring the candidate least loaded relative to its fair share;
 *   <li>choose a zone for each missing replica: under the item's quota, least filled first;
 *   <li>split each zone's total over its members with the least balance cost, extra units going
 *       to members that keep the most;
 *   <li>trim members above their share, then place the missing replicas, on a member that held
 *       the item before when one has room, otherwise on the next member with room.
 * </ol>
 * It never breaks a hard constraint. What it leaves imperfect, the {@link ContractedNetwork}
 * search repairs; this pass only keeps that search short.
 */
final class WarmStart {

    private final Instance instance;
    private final Placement placement;
    private final int[] demand;
    private final long[] zoneTotal;
    private final int[] target;

    private WarmStart(Instance instance, Placement placement) {
        this.instance = instance;
        this.placement = placement;
        this.demand = new int[instance.items * instance.zones];
        this.zoneTotal = new long[instance.zones];
        this.target = new int[instance.members];
    }

    static void build(Instance instance, Placement placement) {
        new WarmStart(instance, placement).run();
    }

    private void run() {
        int[] wanted = replicaCounts();
        keepCurrent(wanted);
        chooseZones(wanted);
        for (int z = 0; z < instance.zones; z++) {
            splitZone(z);
        }
        trimToTargets();
        placeDemand();
    }

    /** The maximum placement spread as evenly as possible: every item min(reachable, level) or one more. */
    private int[] replicaCounts() {
        int[] wanted = instance.reachable.clone();
        long sum = 0;
        int top = 0;
        for (int r : wanted) {
            sum += r;
            top = Math.max(top, r);
        }
        if (sum <= instance.maxPlacement) {
            return wanted;
        }
        int low = 0;
        int high = top;
        while (low < high) { // largest level whose total fits
            int mid = (low + high + 1) >>> 1;
            if (levelTotal(mid) <= instance.maxPlacement) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        int level = low;
        long extra = instance.maxPlacement - levelTotal(level);
        // Items that can take one above the level, those with most current assignments first.
        Integer[] candidates = new Integer[instance.items];
        int count = 0;
        for (int i = 0; i < instance.items; i++) {
            wanted[i] = Math.min(instance.reachable[i], level);
            if (instance.reachable[i] > level) {
                candidates[count++] = i;
            }
        }
        Arrays.sort(candidates, 0, count, (a, b) -> {
            int byCurrent = Integer.compare(currentCount(b), currentCount(a));
            return byCurrent != 0 ? byCurrent : Integer.compare(a, b);
        });
        for (int k = 0; k < extra; k++) {
            wanted[candidates[k]]++;
        }
        return wanted;
    }

    private long levelTotal(int level) {
        long total = 0;
        for (int r : instance.reachable) {
            total += Math.min(r, level);
        }
        return total;
    }

    private int currentCount(int i) {
        return instance.currentStart[i + 1] - instance.currentStart[i];
    }

    /**
     * Keeps current assignments that fit, one at a time on the candidate member least loaded
     * relative to its fair share, so that what is kept is already balanced when an item has
     * more current replicas than it may keep (in total or in one zone).
     */
    private void keepCurrent(int[] wanted) {
        for (int i = 0; i < instance.items; i++) {
            int quota = instance.zoneQuota(i);
            while (placement.placed[i] < wanted[i]) {
                int best = -1;
                for (int k = instance.currentStart[i]; k < instance.currentStart[i + 1]; k++) {
                    int m = instance.currentMember[k];
                    if (placement.hasRoom(m) && placement.zoneCount(i, instance.zoneOf[m]) < quota
                            && !placement.holds(i, m) && (best < 0 || lessLoaded(m, best))) {
                        best = m;
                    }
                }
                if (best < 0) {
                    break;
                }
                placement.assign(i, best);
                zoneTotal[instance.zoneOf[best]]++;
            }
        }
    }

    /** Whether member a is less loaded than member b relative to their fair shares. */
    private boolean lessLoaded(int a, int b) {
        return (placement.load[a] + 1L) * (instance.fairHigh[b] + 1L) < (placement.load[b] + 1L) * (instance.fairHigh[a] + 1L);
    }

    private void chooseZones(int[] wanted) {
        for (int i = 0; i < instance.items; i++) {
            int missing = wanted[i] - placement.placed[i];
            for (int k = 0; k < missing; k++) {
                int z = leastFilledZone(i, true);
                if (z < 0) {
                    z = leastFilledZone(i, false);
                }
                if (z < 0) {
                    break;
                }
                demand[i * instance.zones + z]++;
                zoneTotal[z]++;
            }
        }
    }

    /** The zone with the lowest fill ratio that can take another replica of {@code i}, or -1. */
    private int leastFilledZone(int i, boolean withinQuota) {
        int best = -1;
        int quota = instance.zoneQuota(i);
        for (int z = 0; z < instance.zones; z++) {
            int held = placement.zoneCount(i, z) + demand[i * instance.zones + z];
            if (zoneTotal[z] >= instance.zoneCapacity[z] || held >= instance.zoneMembers[z] || (withinQuota && held >= quota)) {
                continue;
            }
            if (best < 0 || (zoneTotal[z] + 1) * instance.zoneCapacity[best] < (zoneTotal[best] + 1) * instance.zoneCapacity[z]) {
                best = z;
            }
        }
        return best;
    }

    /** Splits the zone's total over its members at the least balance cost; ties go to members keeping more. */
    private void splitZone(int z) {
        int[] zoneMembers = new int[instance.zoneMembers[z]];
        int count = 0;
        int maxLow = 0;
        int maxCap = 0;
        for (int m = 0; m < instance.members; m++) {
            if (instance.zoneOf[m] == z && instance.capacity[m] > 0) {
                zoneMembers[count++] = m;
                maxLow = Math.max(maxLow, instance.fairLow[m]);
                maxCap = Math.max(maxCap, instance.capacity[m]);
            }
        }
        long total = zoneTotal[z];
        long lowLevel = -(long) maxLow - 1;
        long highLevel = maxCap;
        while (lowLevel < highLevel) { // smallest marginal level whose units cover the total
            long mid = Math.floorDiv(lowLevel + highLevel, 2);
            if (unitsUpTo(zoneMembers, mid) >= total) {
                highLevel = mid;
            } else {
                lowLevel = mid + 1;
            }
        }
        long level = lowLevel;
        long assigned = 0;
        Integer[] atLevel = new Integer[count];
        int ties = 0;
        for (int k = 0; k < count; k++) {
            int m = zoneMembers[k];
            target[m] = units(m, level - 1);
            assigned += target[m];
            if (units(m, level) > target[m]) {
                atLevel[ties++] = m;
            }
        }
        Arrays.sort(atLevel, 0, ties, (a, b) -> {
            int byKept = Integer.compare(placement.load[b], placement.load[a]);
            return byKept != 0 ? byKept : Integer.compare(a, b);
        });
        for (int k = 0; k < ties && assigned < total; k++) {
            target[atLevel[k]]++;
            assigned++;
        }
    }

    private long unitsUpTo(int[] zoneMembers, long level) {
        long sum = 0;
        for (int m : zoneMembers) {
            sum += units(m, level);
        }
        return sum;
    }

    /** How many of member m's first units have a balance marginal of at most {@code level}. */
    private int units(int m, long level) {
        long count = level < 0 ? instance.fairLow[m] + level + 1 : instance.fairHigh[m] + level;
        return (int) Math.max(0, Math.min(instance.capacity[m], count));
    }

    private void trimToTargets() {
        for (int m = 0; m < instance.members; m++) {
            while (placement.load[m] > target[m]) {
                int i = placement.slotItem[placement.held[m][placement.load[m] - 1]];
                placement.unassign(i, m);
                demand[i * instance.zones + instance.zoneOf[m]]++;
            }
        }
    }

    private void placeDemand() {
        for (int z = 0; z < instance.zones; z++) {
            int[] open = new int[instance.zoneMembers[z]];
            int openCount = 0;
            for (int m = 0; m < instance.members; m++) {
                if (instance.zoneOf[m] == z && placement.load[m] < target[m]) {
                    open[openCount++] = m;
                }
            }
            int cursor = 0;
            for (int i = 0; i < instance.items && openCount > 0; i++) {
                int missing = demand[i * instance.zones + z];
                for (int k = 0; k < missing && openCount > 0; k++) {
                    int m = returningMember(i, z);
                    if (m < 0) {
                        int tries = 0;
                        cursor %= openCount;
                        while (tries < openCount && placement.holds(i, open[cursor])) {
                            cursor = (cursor + 1) % openCount;
                            tries++;
                        }
                        if (tries == openCount) {
                            break;
                        }
                        m = open[cursor];
                        cursor++;
                    }
                    placement.assign(i, m);
                    if (placement.load[m] >= target[m]) {
                        int pos = indexOf(open, openCount, m);
                        open[pos] = open[--openCount];
                    }
                }
            }
        }
    }

    /** A member of zone z that held item i before, has room under its target, and does not hold it now; or -1. */
    private int returningMember(int i, int z) {
        for (int k = instance.currentStart[i]; k < instance.currentStart[i + 1]; k++) {
            int m = instance.currentMember[k];
            if (instance.zoneOf[m] == z && placement.load[m] < target[m] && !placement.holds(i, m)) {
                return m;
            }
        }
        return -1;
    }

    private static int indexOf(int[] values, int count, int value) {
        for (int k = 0; k < count; k++) {
            if (values[k] == value) {
                return k;
            }
        }
        throw new IllegalStateException("value " + value + " not found");
    }
}
