package dev.baton.alloc.solver;

import java.util.Arrays;

/**
 * A mutable assignment of item replicas to members, kept in the shapes the solver's steps read:
 * each item's members (a fixed block of slots per item), each member's held slots, member loads
 * and per-item zone counts. Mutations keep all of them consistent; they do not check capacity
 * or distinctness, which their callers ensure.
 */
final class Placement {

    final Instance instance;
    /** Slot block of item i: [slotStart[i], slotStart[i] + placed[i]) holds its members. */
    final int[] slotStart;
    final int[] slotMember;
    final int[] slotItem;
    final int[] placed;
    /** Σ placed. */
    long placedTotal;
    /** zoneCount[i * zones + z]: replicas of item i held in zone z. */
    final int[] zoneCount;
    final int[] load;
    /** held[m][0 .. load[m]): slots held by member m; heldPos[slot] is the slot's index there. */
    final int[][] held;
    final int[] heldPos;

    Placement(Instance instance) {
        this.instance = instance;
        slotStart = new int[instance.items + 1];
        for (int i = 0; i < instance.items; i++) {
            slotStart[i + 1] = slotStart[i] + instance.reachable[i];
        }
        int slots = slotStart[instance.items];
        slotMember = new int[slots];
        slotItem = new int[slots];
        for (int i = 0; i < instance.items; i++) {
            Arrays.fill(slotItem, slotStart[i], slotStart[i + 1], i);
        }
        placed = new int[instance.items];
        zoneCount = new int[instance.items * instance.zones];
        load = new int[instance.members];
        held = new int[instance.members][];
        for (int m = 0; m < instance.members; m++) {
            held[m] = new int[Math.max(4, instance.fairHigh[m] + 4)];
        }
        heldPos = new int[slots];
    }

    boolean holds(int i, int m) {
        int from = slotStart[i];
        int to = from + placed[i];
        for (int s = from; s < to; s++) {
            if (slotMember[s] == m) {
                return true;
            }
        }
        return false;
    }

    int zoneCount(int i, int z) {
        return zoneCount[i * instance.zones + z];
    }

    boolean hasRoom(int m) {
        return load[m] < instance.capacity[m];
    }

    /** Places a new replica of {@code i} on {@code m}. Requires: room on m, i not on m, i below its reachable count. */
    void assign(int i, int m) {
        int slot = slotStart[i] + placed[i];
        placed[i]++;
        placedTotal++;
        slotMember[slot] = m;
        zoneCount[i * instance.zones + instance.zoneOf[m]]++;
        addHeld(m, slot);
    }

    /** Removes the replica of {@code i} held by {@code m}. Requires: m holds i. */
    void unassign(int i, int m) {
        int slot = slotOf(i, m);
        removeHeld(m, slot);
        zoneCount[i * instance.zones + instance.zoneOf[m]]--;
        int last = slotStart[i] + placed[i] - 1;
        if (slot != last) {
            int lastMember = slotMember[last];
            slotMember[slot] = lastMember;
            held[lastMember][heldPos[last]] = slot;
            heldPos[slot] = heldPos[last];
        }
        placed[i]--;
        placedTotal--;
    }

    /** Moves the replica of {@code i} from {@code from} to {@code to}. Requires: from holds i, to does not, room on to. */
    void move(int i, int from, int to) {
        int slot = slotOf(i, from);
        removeHeld(from, slot);
        zoneCount[i * instance.zones + instance.zoneOf[from]]--;
        slotMember[slot] = to;
        zoneCount[i * instance.zones + instance.zoneOf[to]]++;
        addHeld(to, slot);
    }

    private int slotOf(int i, int m) {
        int from = slotStart[i];
        int to = from + placed[i];
        for (int s = from; s < to; s++) {
            if (slotMember[s] == m) {
                return s;
            }
        }
        throw new IllegalStateException("member " + instance.memberIds[m] + " does not hold item " + instance.itemIds[i]);
    }

    private void addHeld(int m, int slot) {
        if (load[m] == held[m].length) {
            held[m] = Arrays.copyOf(held[m], held[m].length * 2);
        }
        held[m][load[m]] = slot;
        heldPos[slot] = load[m];
        load[m]++;
    }

    private void removeHeld(int m, int slot) {
        int pos = heldPos[slot];
        int lastPos = load[m] - 1;
        int lastSlot = held[m][lastPos];
        held[m][pos] = lastSlot;
        heldPos[lastSlot] = pos;
        load[m]--;
    }
}
