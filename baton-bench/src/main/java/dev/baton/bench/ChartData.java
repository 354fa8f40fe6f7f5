package dev.baton.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw data scenarios hand to the report's charts, kept in the order it arrived. Two kinds of
 * chart: a distribution (series of samples, drawn as cumulative distributions) and a plot
 * (series of (x, y) points, drawn as lines).
 */
final class ChartData {
    /** One chart: its kind, axis titles and named series, in the order they were added. */
    static final class Chart {
        final String scenario;
        final String name;
        final boolean distribution;
        final String xTitle;
        final String yTitle;
        final Map<String, List<double[]>> series = new LinkedHashMap<>();

        private Chart(String scenario, String name, boolean distribution, String xTitle, String yTitle) {
            this.scenario = scenario;
            this.name = name;
            this.distribution = distribution;
            this.xTitle = xTitle;
            this.yTitle = yTitle;
        }
    }

    private final Map<String, Chart> charts = new LinkedHashMap<>();

    synchronized void samples(String scenario, String chart, String series, double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("series '" + series + "' of chart '" + chart + "' has no samples");
        }
        chart(scenario, chart, true, chart, "fraction of trials at or below").series
                .computeIfAbsent(series, s -> new ArrayList<>()).add(values.clone());
    }

    synchronized void points(String scenario, String chart, String xTitle, String yTitle, String series, double[] x,
            double[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("series '" + series + "' of chart '" + chart + "' has "
                    + x.length + " x values and " + y.length + " y values");
        }
        List<double[]> points = chart(scenario, chart, false, xTitle, yTitle).series
                .computeIfAbsent(series, s -> new ArrayList<>());
        for (int i = 0; i < x.length; i++) {
            points.add(new double[] {x[i], y[i]});
        }
    }

    private Chart chart(String scenario, String name, boolean distribution, String xTitle, String yTitle) {
        Chart chart = charts.computeIfAbsent(name, n -> new Chart(scenario, n, distribution, xTitle, yTitle));
        if (chart.distribution != distribution || !chart.scenario.equals(scenario)) {
            throw new IllegalArgumentException("chart '" + name + "' is already used for other data (by scenario '"
                    + chart.scenario + "')");
        }
        return chart;
    }

    /** The charts of one scenario, in the order they were first used. */
    synchronized List<Chart> of(String scenario) {
        return charts.values().stream().filter(c -> c.scenario.equals(scenario)).toList();
    }
}
