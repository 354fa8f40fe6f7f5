package dev.baton.server;

import java.util.Locale;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations with the buckets etcd gives its disk latencies: upper
 * bounds from 1 ms doubling up to 8.192 s. Safe to observe from any thread.
 */
final class LatencyHistogram {
    private static final double[] BOUNDS = new double[14];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS[i] = 0.001 * (1L << i);
        }
    }

    /** Observations per bucket (not cumulative), the last one above every bound. */
    private final LongAdder[] counts = new LongAdder[BOUNDS.length + 1];
    private final DoubleAdder sum = new DoubleAdder();

    LatencyHistogram() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void observe(long nanos) {
        double seconds = nanos / 1e9;
        int bucket = 0;
        while (bucket < BOUNDS.length && seconds > BOUNDS[bucket]) {
            bucket++;
        }
        counts[bucket].increment();
        sum.add(seconds);
    }

    /** Appends the histogram in Prometheus' text format. */
    void render(StringBuilder out, String name, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" histogram\n");
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i].sum();
            String bound = i < BOUNDS.length ? String.format(Locale.ROOT, "%.3f", BOUNDS[i]) : "+Inf";
            out.append(name).append("_bucket{le=\"").append(bound).append("\"} ").append(cumulative).append('\n');
        }
        out.append(name).append("_sum ").append(String.format(Locale.ROOT, "%.6f", sum.sum())).append('\n')
                .append(name).append("_count ").append(cumulative).append('\n');
    }
}
