package dev.baton.bench.cache;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Put → listener latency: one put at a time to one of {@value #KEYS} existing keys, each from
 * just before the put is sent to the cache's listener running for it. The first tenth of the
 * puts warms up and is not counted.
 */
final class Propagation {
    static final int KEYS = 100;
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);

    private Propagation() {
    }

    /** {@code samples} latencies in nanoseconds, in the order taken. */
    static long[] measure(CachedStore store, String prefix, int samples, int valueBytes) throws Exception {
        store.fill(prefix, KEYS, valueBytes);
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        long[] nanos = new long[samples];
        try (CachedStore.OpenCache cache = store.open(prefix, () -> arrivals.add(System.nanoTime()))) {
            int warmUp = warmUp(samples);
            for (int i = -warmUp; i < samples; i++) {
                long sent = System.nanoTime();
                store.put(prefix, CachedStore.keyName(Math.floorMod(i, KEYS)), CachedStore.value(i + 1, valueBytes));
                Long arrived = arrivals.poll(EVENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (arrived == null) {
                    throw new IllegalStateException(store.displayName() + " reported no change within " + EVENT_TIMEOUT
                            + " of put " + i);
                }
                if (i >= 0) {
                    nanos[i] = arrived - sent;
                }
            }
            if (!arrivals.isEmpty()) {
                throw new IllegalStateException(store.displayName() + " reported " + arrivals.size()
                        + " changes more than the puts made");
            }
        }
        return nanos;
    }

    static int warmUp(int samples) {
        return Math.max(1, samples / 10);
    }
}
