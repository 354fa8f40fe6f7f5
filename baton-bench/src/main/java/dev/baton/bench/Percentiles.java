package dev.baton.bench;

import java.util.Arrays;

/** Nearest-rank percentiles and medians: with 20 trials, p99 is the slowest one. */
public final class Percentiles {
    private Percentiles() {
    }

    /**
     * The nearest-rank {@code q}-quantile of {@code values} (in any order): the smallest value
     * with at least {@code q} of all values at or below it.
     *
     * @throws IllegalArgumentException if {@code values} is empty or {@code q} is not in (0, 1]
     */
    public static double of(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to take a percentile of");
        }
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile " + q + " is not in (0, 1]");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** The median (nearest rank: the lower of the two middle values of an even count). */
    public static double median(double[] values) {
        return of(values, 0.5);
    }
}
