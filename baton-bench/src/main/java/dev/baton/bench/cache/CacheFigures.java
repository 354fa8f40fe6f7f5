package dev.baton.bench.cache;

import dev.baton.bench.Figure;
import dev.baton.bench.Percentiles;
import java.util.List;

/**
 * The cache scenario's figures: heap per key side by side, and one propagation row per cache.
 * Baton's propagation row has Baton's median and p50/p99; Curator's puts Baton's median next to
 * its own (the ratio is Baton's p50 over Curator's) and its p50/p99 columns are Curator's own.
 */
final class CacheFigures {
    private CacheFigures() {
    }

    /**
     * @param heapMetric       what the heap figure measured (key count and value size)
     * @param batonBytesPerKey Baton's cache heap per key
     * @param curatorBytesPerKey Curator's cache heap per key
     * @param batonNanos       Baton's put → listener latencies
     * @param curatorNanos     Curator's put → listener latencies
     */
    static List<Figure> of(String scenario, String heapMetric, String baselineName, double batonBytesPerKey,
            double curatorBytesPerKey, long[] batonNanos, long[] curatorNanos) {
        double[] baton = millis(batonNanos);
        double[] curator = millis(curatorNanos);
        double batonP50 = Percentiles.median(baton);
        double curatorP50 = Percentiles.median(curator);
        return List.of(
                Figure.compared(scenario, heapMetric, "bytes/key", batonBytesPerKey, curatorBytesPerKey, baselineName),
                Figure.alone(scenario, "put → listener: Baton KeyspaceCache", "ms", batonP50)
                        .withTrials(baton.length)
                        .withPercentiles(batonP50, Percentiles.of(baton, 0.99)),
                Figure.compared(scenario, "put → listener: Curator CuratorCache (p50/p99 its own)", "ms", batonP50,
                                curatorP50, baselineName)
                        .withTrials(curator.length)
                        .withPercentiles(curatorP50, Percentiles.of(curator, 0.99)));
    }

    static double[] millis(long[] nanos) {
        double[] millis = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            millis[i] = nanos[i] / 1e6;
        }
        return millis;
    }
}
