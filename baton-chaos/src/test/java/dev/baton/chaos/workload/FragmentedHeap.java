package dev.baton.chaos.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM whose old generation holds live arrays with dead ones between them: it allocates
 * 4,000 arrays of 4 KiB, has a full GC move them all to the old generation, drops every other one
 * and prints {@code ready}. It then keeps the rest alive until it is killed.
 */
public final class FragmentedHeap {
    private static final int ARRAYS = 4_000;
    private static final int ARRAY_BYTES = 4 * 1024;

    private FragmentedHeap() {
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> arrays = new ArrayList<>(ARRAYS);
        for (int i = 0; i < ARRAYS; i++) {
            arrays.add(new byte[ARRAY_BYTES]);
        }
        System.gc();
        List<byte[]> kept = new ArrayList<>(ARRAYS / 2);
        for (int i = 0; i < ARRAYS; i += 2) {
            kept.add(arrays.get(i));
        }
        arrays = null;
        System.out.println("ready " + kept.size());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
        System.out.println("kept " + kept.size());
    }
}
