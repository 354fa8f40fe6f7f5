package dev.baton.chaos;

import dev.baton.chaos.history.ResourceSample;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The resources of every sampled process over a soak part's sampled stretch, one point every
 * {@link RunSettings#SOAK_CURVE_EVERY} between faults: written as CSV and drawn as a PNG of three
 * panels (live heap, threads, open file descriptors), one line per process. Every panel's axis
 * starts at zero, so a line's slope reads as a share of its level, as the resource check judges it.
 */
final class ResourceCurve {

    static final int WIDTH = 800;
    static final int PANEL_HEIGHT = 260;

    /** One sample of every process, {@code at} after the curve's first. */
    record Point(Duration at, List<ResourceSample> processes) {
        Point {
            Objects.requireNonNull(at, "at");
            processes = List.copyOf(processes);
        }
    }

    private record Panel(String title, String unit, ToDoubleFunction<ResourceSample> value) {
    }

    private static final List<Panel> PANELS = List.of(
            new Panel("live heap", "MiB", sample -> sample.liveHeap() / 1024.0 / 1024.0),
            new Panel("threads", "threads", ResourceSample::threads),
            new Panel("open file descriptors", "fds", ResourceSample::fds));

    private final String title;
    private final List<Point> points = new ArrayList<>();

    ResourceCurve(String title) {
        this.title = Objects.requireNonNull(title, "title");
    }

    void add(Duration at, List<ResourceSample> processes) {
        if (!points.isEmpty() && at.compareTo(points.get(points.size() - 1).at()) < 0) {
            throw new IllegalArgumentException("a point at " + at + " comes before the last one, at "
                    + points.get(points.size() - 1).at());
        }
        points.add(new Point(at, processes));
    }

    /** One line per process and point: {@code seconds,process,pid,live_heap_bytes,threads,pool_threads,fds}. */
    String csv() {
        StringBuilder csv = new StringBuilder("seconds,process,pid,live_heap_bytes,threads,pool_threads,fds\n");
        for (Point point : points) {
            for (ResourceSample sample : point.processes()) {
                csv.append(point.at().toSeconds()).append(',').append(sample.process()).append(',')
                        .append(sample.pid()).append(',').append(sample.liveHeap()).append(',')
                        .append(sample.threads()).append(',').append(sample.poolThreads()).append(',')
                        .append(sample.fds()).append('\n');
            }
        }
        return csv.toString();
    }

    /** Writes {@code <base>.csv} and {@code <base>.png}. */
    void write(Path base) throws IOException {
        Files.writeString(base.resolveSibling(base.getFileName() + ".csv"), csv(), StandardCharsets.UTF_8);
        ImageIO.write(draw(), "png", base.resolveSibling(base.getFileName() + ".png").toFile());
    }

    /** The three panels, one under the other. */
    BufferedImage draw() {
        BufferedImage image = new BufferedImage(WIDTH, PANEL_HEIGHT * PANELS.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            for (int i = 0; i < PANELS.size(); i++) {
                graphics.drawImage(BitmapEncoder.getBufferedImage(chart(PANELS.get(i))), 0, i * PANEL_HEIGHT, null);
            }
        } finally {
            graphics.dispose();
        }
        return image;
    }

    private XYChart chart(Panel panel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT)
                .title(title + ": " + panel.title()).xAxisTitle("minutes since the first sample")
                .yAxisTitle(panel.unit()).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisDecimalPattern(panel.unit().equals("MiB") ? "0.0" : "0");
        chart.getStyler().setYAxisMin(0.0);
        double highest = 0;
        for (Map.Entry<String, double[][]> line : lines(panel.value()).entrySet()) {
            chart.addSeries(line.getKey(), line.getValue()[0], line.getValue()[1]);
            highest = Math.max(highest, Arrays.stream(line.getValue()[1]).max().orElse(0));
        }
        chart.getStyler().setYAxisMax(Math.max(1, highest * 1.25));
        return chart;
    }

    /**
     * Each process's points: x in minutes, y its value. A process is named by its name, or by its
     * name and pid when the curve holds more than one process of that name.
     */
    Map<String, double[][]> lines(ToDoubleFunction<ResourceSample> value) {
        Map<String, Set<Long>> pids = new HashMap<>();
        points.forEach(point -> point.processes().forEach(sample ->
                pids.computeIfAbsent(sample.process(), name -> new HashSet<>()).add(sample.pid())));
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (Point point : points) {
            for (ResourceSample sample : point.processes()) {
                String name = pids.get(sample.process()).size() > 1
                        ? sample.process() + " (pid " + sample.pid() + ")" : sample.process();
                series.computeIfAbsent(name, key -> new ArrayList<>())
                        .add(new double[] {point.at().toMillis() / 60_000.0, value.applyAsDouble(sample)});
            }
        }
        Map<String, double[][]> lines = new LinkedHashMap<>();
        series.forEach((name, xy) -> lines.put(name, new double[][] {
                xy.stream().mapToDouble(p -> p[0]).toArray(), xy.stream().mapToDouble(p -> p[1]).toArray()}));
        return lines;
    }
}
