package dev.baton.alloc.solver;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A family of pools of ints (slots or items), each an unordered list that files a value in or
 * out in O(1), with the families' changes recorded until the next {@link #drainChanged}. A value
 * is in at most one pool per lane (a target zone, say); its position there is kept at
 * {@code value * lanes + lane}. Pools are created on first use.
 */
final class PoolFamily {

    private final IntList[] pools;
    private final int[] positions;
    private final int lanes;
    private final boolean[] changed;
    private final IntList changedPools = new IntList();

    /**
     * @param pools  how many pools
     * @param values values are 0 to {@code values - 1}
     * @param lanes  pools a value can be in at once
     */
    PoolFamily(int pools, int values, int lanes) {
        this.pools = new IntList[pools];
        this.positions = new int[values * lanes];
        this.lanes = lanes;
        this.changed = new boolean[pools];
    }

    /** The pool's values in no particular order; null when it never held any. */
    IntList get(int pool) {
        return pools[pool];
    }

    int size(int pool) {
        return pools[pool] == null ? 0 : pools[pool].size();
    }

    void add(int pool, int value, int lane) {
        if (pools[pool] == null) {
            pools[pool] = new IntList();
        }
        positions[value * lanes + lane] = pools[pool].size();
        pools[pool].add(value);
        markChanged(pool);
    }

    /** Takes {@code value} out of {@code pool}, moving the pool's last value into its place. */
    void remove(int pool, int value, int lane) {
        IntList list = pools[pool];
        int position = positions[value * lanes + lane];
        int last = list.get(list.size() - 1);
        list.set(position, last);
        positions[last * lanes + lane] = position;
        list.truncate(list.size() - 1);
        markChanged(pool);
    }

    /** Empties every pool and forgets the changes. */
    void clear() {
        Arrays.fill(pools, null);
        Arrays.fill(changed, false);
        changedPools.truncate(0);
    }

    /** Hands every pool changed since the last call to {@code action}, once each. */
    void drainChanged(IntConsumer action) {
        for (int k = 0; k < changedPools.size(); k++) {
            int pool = changedPools.get(k);
            changed[pool] = false;
            action.accept(pool);
        }
        changedPools.truncate(0);
    }

    private void markChanged(int pool) {
        if (!changed[pool]) {
            changed[pool] = true;
            changedPools.add(pool);
        }
    }
}
