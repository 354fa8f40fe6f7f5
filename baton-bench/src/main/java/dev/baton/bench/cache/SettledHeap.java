package dev.baton.bench.cache;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The heap in use once full collections stop freeing memory: collect, read, and repeat until two
 * readings in a row are within {@link #TOLERANCE_BYTES} (or {@link #MAX_ROUNDS} readings were
 * taken); the lowest reading wins, since a late reading can only add garbage made in between.
 */
public final class SettledHeap {
    static final long TOLERANCE_BYTES = 1 << 20;
    static final int MAX_ROUNDS = 10;

    private SettledHeap() {
    }

    /** Collects this JVM's heap and reads it until it settles. */
    public static long measure() {
        return settle(() -> {
            System.gc();
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the heap", e);
            }
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        });
    }

    /** The settled value of {@code readings}, each taken after a full collection. */
    static long settle(LongSupplier readings) {
        long lowest = readings.getAsLong();
        long previous = lowest;
        for (int round = 1; round < MAX_ROUNDS; round++) {
            long reading = readings.getAsLong();
            lowest = Math.min(lowest, reading);
            if (Math.abs(reading - previous) < TOLERANCE_BYTES) {
                break;
            }
            previous = reading;
        }
        return lowest;
    }
}
