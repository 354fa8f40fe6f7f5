package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the report's charts as PNG files: a distribution as one cumulative-distribution line per
 * series (x = the value, y = the fraction of samples at or below it), a plot as one line per
 * series through its points. An axis whose values span two orders of magnitude or more is
 * logarithmic.
 */
final class Charts {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 450;

    private Charts() {
    }

    /** The file name of a chart: its name in lower case, non-alphanumeric runs replaced by '-'. */
    static String fileName(String chartName) {
        String slug = chartName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return slug + ".png";
    }

    /** Writes {@code chart} as a PNG into {@code dir}; returns the file. */
    static Path write(ChartData.Chart chart, Path dir) throws IOException {
        XYChart xy = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(chart.name).xAxisTitle(chart.xTitle)
                .yAxisTitle(chart.yTitle).build();
        xy.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        double xMin = Double.MAX_VALUE;
        double xMax = -Double.MAX_VALUE;
        double yMin = Double.MAX_VALUE;
        double yMax = -Double.MAX_VALUE;
        for (var entry : chart.series.entrySet()) {
            double[][] line = chart.distribution ? cumulative(entry.getValue()) : points(entry.getValue());
            XYSeries series = xy.addSeries(entry.getKey(), line[0], line[1]);
            if (chart.distribution) {
                series.setMarker(SeriesMarkers.NONE);
            }
            for (int i = 0; i < line[0].length; i++) {
                xMin = Math.min(xMin, line[0][i]);
                xMax = Math.max(xMax, line[0][i]);
                yMin = Math.min(yMin, line[1][i]);
                yMax = Math.max(yMax, line[1][i]);
            }
        }
        xy.getStyler().setXAxisLogarithmic(spansDecades(xMin, xMax));
        xy.getStyler().setYAxisLogarithmic(!chart.distribution && spansDecades(yMin, yMax));
        Path file = dir.resolve(fileName(chart.name));
        BitmapEncoder.saveBitmap(xy, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static boolean spansDecades(double min, double max) {
        return min > 0 && max / min >= 100;
    }

    /** x: every sample in order; y: the fraction of samples at or below it. */
    static double[][] cumulative(List<double[]> samples) {
        double[] x = samples.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (i + 1.0) / x.length;
        }
        return new double[][] {x, y};
    }

    private static double[][] points(List<double[]> points) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        return new double[][] {x, y};
    }
}
