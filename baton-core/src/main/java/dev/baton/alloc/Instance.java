package dev.baton.alloc;

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
    final String[] zoneNames;
    final int[] zoneMembers;
    final long[] zoneCapacity;
    /** Zones holding at least one member with capacity: the divisor of the per-item zone quota. */
    final int liveZones;

    /** Current assignments per item, as sorted member indexes (a CSR layout). */
    final int[] currentStart;
    final int[] currentMember;
    final int currentCount;

    final long totalCapacity;
    final long maxPlacement;
    final int[] fairLow;
    final int[] fairHigh;

    private Instance(List<Item> sortedItems, List<Member> sortedMembers, Collection<Assignment> current) {
        items = sortedItems.size();
        itemIds = new String[items];
        replicas = new int[items];
        Map<String, Integer> itemIndex = new HashMap<>(items * 2);
        for (int i = 0; i < items; i++) {
            Item item = sortedItems.get(i);
            itemIds[i] = item.id();
            replicas[i] = item.replicas();
            if (i > 0 && itemIds[i - 1].equals(itemIds[i])) {
                throw new IllegalArgumentException("duplicate item id '" + itemIds[i] + "'");
            }
            itemIndex.put(item.id(), i);
        }

        members = sortedMembers.size();
        memberIds = new String[members];
        zoneOf = new int[members];
        capacity = new int[members];
        TreeSet<String> zoneSet = new TreeSet<>();
        for (Member member : sortedMembers) {
            zoneSet.add(member.zone());
        }
        zoneNames = zoneSet.toArray(new String[0]);
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
        totalCapacity = capacitySum;
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

        int[] perItem = new int[items + 1];
        int[] pairItem = new int[current.size()];
        int[] pairMember = new int[current.size()];
        int pairs = 0;
        String lastItem = null;
        Integer item = null;
        for (Assignment a : current) {
            if (!a.item().equals(lastItem)) { // assignments usually arrive grouped by item
                lastItem = a.item();
                item = itemIndex.get(lastItem);
            }
            Integer member = memberIndex.get(a.member());
            if (item != null && member != null) {
                pairItem[pairs] = item;
                pairMember[pairs] = member;
                perItem[item + 1]++;
                pairs++;
            }
        }
        currentStart = new int[items + 1];
        for (int i = 0; i < items; i++) {
            currentStart[i + 1] = currentStart[i] + perItem[i + 1];
        }
        int[] fill = Arrays.copyOf(currentStart, items);
        int[] raw = new int[pairs];
        for (int k = 0; k < pairs; k++) {
            raw[fill[pairItem[k]]++] = pairMember[k];
        }
        // Sort and de-duplicate each item's members in place, then compact.
        int out = 0;
        int[] start = new int[items + 1];
        for (int i = 0; i < items; i++) {
            int from = currentStart[i];
            int to = currentStart[i + 1];
            Arrays.sort(raw, from, to);
            start[i] = out;
            for (int k = from; k < to; k++) {
                if (k == from || raw[k] != raw[k - 1]) {
                    raw[out++] = raw[k];
                }
            }
        }
        start[items] = out;
        System.arraycopy(start, 0, currentStart, 0, items + 1);
        currentMember = Arrays.copyOf(raw, out);
        currentCount = out;

        maxPlacement = MaxPlacement.of(reachable, capacity);
        fairLow = new int[members];
        fairHigh = new int[members];
        for (int m = 0; m < members; m++) {
            if (capacity[m] > 0) {
                long numerator = maxPlacement * capacity[m];
                fairLow[m] = (int) (numerator / totalCapacity);
                fairHigh[m] = fairLow[m] + (numerator % totalCapacity == 0 ? 0 : 1);
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
