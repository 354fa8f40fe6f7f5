package dev.baton.alloc.solver;

import dev.baton.alloc.Assignment;
import dev.baton.alloc.Item;
import dev.baton.alloc.Member;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A solver input in indexed form: items and members sorted by id, zones indexed, current
 * assignments reduced to those naming a known item and a known member. Immutable.
 *
 * <p>Also fixes the two numbers every later step is measured against: the maximum placement
 * {@link #maxPlacement} and each member's fair-share band {@link #fairLow}..{@link #fairHigh}.
 */
final class Instance {

    final int items;
    final String[] itemIds;
    final int[] replicas;
    /** Replicas an item can actually hold: its desired count capped by the members able to hold any. */
    final int[] reachable;

    final int members;
    final String[] memberIds;
    final int[] zoneOf;
    final int[] capacity;

    final int zones;
    final int[] zoneMembers;
    final long[] zoneCapacity;
    /** Zones holding at least one member with capacity: the divisor of the per-item zone quota. */
    final int liveZones;

    /** Current assignments per item, as sorted member indexes (a CSR layout). */
    final int[] currentStart;
    final int[] currentMember;
    final int currentCount;

    final long maxPlacement;
    final int[] fairLow;
    final int[] fairHigh;

    private Instance(List<Item> sortedItems, List<Member> sortedMembers, Collection<Assignment> current) {
        items = sortedItems.size();
        itemIds = new String[items];
        replicas = new int[items];
        for (int i = 0; i < items; i++) {
            Item item = sortedItems.get(i);
            itemIds[i] = item.id();
            replicas[i] = item.replicas();
            if (i > 0 && itemIds[i - 1].equals(itemIds[i])) {
                throw new IllegalArgumentException("duplicate item id '" + itemIds[i] + "'");
            }
        }

        members = sortedMembers.size();
        memberIds = new String[members];
        zoneOf = new int[members];
        capacity = new int[members];
        TreeSet<String> zoneSet = new TreeSet<>();
        for (Member member : sortedMembers) {
            zoneSet.add(member.zone());
        }
        String[] zoneNames = zoneSet.toArray(new String[0]);
        zones = zoneNames.length;
        zoneMembers = new int[zones];
        zoneCapacity = new long[zones];
        Map<String, Integer> memberIndex = new HashMap<>(members * 2);
        int liveMembers = 0;
        long capacitySum = 0;
        for (int m = 0; m < members; m++) {
            Member member = sortedMembers.get(m);
            memberIds[m] = member.id();
            if (m > 0 && memberIds[m - 1].equals(memberIds[m])) {
                throw new IllegalArgumentException("duplicate member id '" + memberIds[m] + "'");
            }
            zoneOf[m] = Arrays.binarySearch(zoneNames, member.zone());
            capacity[m] = member.effectiveCapacity();
            if (capacity[m] > 0) {
                liveMembers++;
                zoneMembers[zoneOf[m]]++;
                zoneCapacity[zoneOf[m]] += capacity[m];
                capacitySum += capacity[m];
            }
            memberIndex.put(member.id(), m);
        }
        int live = 0;
        for (int z = 0; z < zones; z++) {
            if (zoneMembers[z] > 0) {
                live++;
            }
        }
        liveZones = live;

        reachable = new int[items];
        for (int i = 0; i < items; i++) {
            reachable[i] = Math.min(replicas[i], liveMembers);
        }

        int[][] index = indexCurrent(current, itemIds, memberIndex);
        currentStart = index[0];
        currentMember = index[1];
        currentCount = currentMember.length;

        maxPlacement = MaxPlacement.of(reachable, capacity);
        fairLow = new int[members];
        fairHigh = new int[members];
        for (int m = 0; m < members; m++) {
            if (capacity[m] > 0) {
                long numerator = maxPlacement * capacity[m];
                fairLow[m] = (int) (numerator / capacitySum);
                fairHigh[m] = fairLow[m] + (numerator % capacitySum == 0 ? 0 : 1);
            }
        }
    }

    /** Validates and indexes a solver input. Current assignments naming unknown items or members are ignored. */
    static Instance of(Collection<Item> items, Collection<Member> members, Collection<Assignment> current) {
        List<Item> sortedItems = new ArrayList<>(items);
        sortedItems.sort((a, b) -> a.id().compareTo(b.id()));
        List<Member> sortedMembers = new ArrayList<>(members);
        sortedMembers.sort((a, b) -> a.id().compareTo(b.id()));
        return new Instance(sortedItems, sortedMembers, current);
    }

    /**
     * Current assignments per item as a CSR layout {start, member}: item i's members are
     * member[start[i] .. start[i + 1]), sorted and without repeats. Unknown ids are skipped.
     * Items are found by a merge over the sorted ids, which costs O(1) per assignment when the
     * assignments come sorted by item (as solver output and store reads do), and by binary
     * search otherwise.
     */
    private static int[][] indexCurrent(Collection<Assignment> current, String[] itemIds, Map<String, Integer> memberIndex) {
        int items = itemIds.length;
        int[] start = new int[items + 1];
        int[] pairItem = new int[current.size()];
        int[] pairMember = new int[current.size()];
        int pairs = 0;
        String lastItem = null;
        int item = -1;
        int cursor = 0;
        for (Assignment a : current) {
            if (!a.item().equals(lastItem)) {
                lastItem = a.item();
                while (cursor < items && itemIds[cursor].compareTo(lastItem) < 0) {
                    cursor++;
                }
                if (cursor < items && itemIds[cursor].equals(lastItem)) {
                    item = cursor;
                } else {
                    item = Arrays.binarySearch(itemIds, lastItem);
                }
            }
            Integer member = memberIndex.get(a.member());
            if (item >= 0 && member != null) {
                pairItem[pairs] = item;
                pairMember[pairs] = member;
                start[item + 1]++;
                pairs++;
            }
        }
        for (int i = 0; i < items; i++) {
            start[i + 1] += start[i];
        }
        int[] fill = Arrays.copyOf(start, items);
        int[] members = new int[pairs];
        for (int k = 0; k < pairs; k++) {
            members[fill[pairItem[k]]++] = pairMember[k];
        }
        // Sort and de-duplicate each item's members, compacting in place.
        int out = 0;
        int from = 0;
        for (int i = 0; i < items; i++) {
            int to = start[i + 1];
            Arrays.sort(members, from, to);
            start[i] = out;
            for (int k = from; k < to; k++) {
                if (k == from || members[k] != members[k - 1]) {
                    members[out++] = members[k];
                }
            }
            from = to;
        }
        start[items] = out;
        return new int[][] {start, Arrays.copyOf(members, out)};
    }

    /** The most replicas of item {@code i} one zone should hold: its replicas spread evenly over live zones. */
    int zoneQuota(int i) {
        return liveZones == 0 ? 0 : (replicas[i] + liveZones - 1) / liveZones;
    }

    /** Whether member {@code m} held item {@code i} in the current assignment. */
    boolean isCurrent(int i, int m) {
        for (int k = currentStart[i]; k < currentStart[i + 1]; k++) {
            if (currentMember[k] == m) {
                return true;
            }
        }
        return false;
    }
}
