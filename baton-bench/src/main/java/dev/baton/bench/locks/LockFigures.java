package dev.baton.bench.locks;

import dev.baton.bench.Figure;
import dev.baton.bench.Percentiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One metric's figures: Baton's row has Baton's median as its value and Baton's p50/p99; a
 * baseline's row puts Baton's median next to the baseline's (so the ratio is Baton's p50 over the
 * baseline's), and its p50/p99 columns are the baseline's own, as its metric says.
 */
final class LockFigures {
    private LockFigures() {
    }

    /** @param millisBySystem each system's trials, by display name, Baton's under {@code baton} */
    static List<Figure> of(String scenario, String metric, String baton, Map<String, double[]> millisBySystem) {
        double[] batonMillis = millisBySystem.get(baton);
        if (batonMillis == null) {
            throw new IllegalArgumentException("no " + baton + " trials for " + metric);
        }
        double batonP50 = Percentiles.median(batonMillis);
        List<Figure> figures = new ArrayList<>();
        figures.add(Figure.alone(scenario, metric + ": " + baton, "ms", batonP50)
                .withTrials(batonMillis.length)
                .withPercentiles(batonP50, Percentiles.of(batonMillis, 0.99)));
        millisBySystem.forEach((system, millis) -> {
            if (!system.equals(baton)) {
                double p50 = Percentiles.median(millis);
                figures.add(Figure.compared(scenario, metric + ": " + system + " (p50/p99 its own)", "ms", batonP50, p50,
                                system)
                        .withTrials(millis.length)
                        .withPercentiles(p50, Percentiles.of(millis, 0.99)));
            }
        });
        return figures;
    }
}
