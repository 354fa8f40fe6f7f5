package dev.baton.bench;

import dev.baton.testkit.EtcdProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What one scenario gets from the run: its mode, a private work directory, a progress stream,
 * real etcd and the embedded server started in their own processes, the machine's description,
 * and a way to hand raw data to the report's charts.
 *
 * <p>Everything a scenario starts through this object (or registers with {@link #closeAtEnd}) is
 * closed in reverse order when the scenario ends, whether it returned or threw; then its work
 * directory is deleted.
 */
public final class BenchRun implements AutoCloseable {
    private final String scenario;
    private final boolean quick;
    private final Path workDir;
    private final PrintStream progress;
    private final Supplier<Machine> machine;
    private final ChartData charts;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private boolean closed;

    BenchRun(String scenario, boolean quick, Path parentDir, PrintStream progress, Supplier<Machine> machine,
            ChartData charts) {
        this.scenario = scenario;
        this.quick = quick;
        this.progress = progress;
        this.machine = machine;
        this.charts = charts;
        try {
            this.workDir = Files.createTempDirectory(parentDir, scenario + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory under " + parentDir, e);
        }
    }

    /** True for {@code --quick}: every figure is still produced, from smaller sizes. */
    public boolean quick() {
        return quick;
    }

    /** {@code full}, or {@code quick} when the run is quick: the one way scenarios pick a size. */
    public int size(int full, int quick) {
        return this.quick ? quick : full;
    }

    /** A directory of this scenario's own, deleted when it ends. */
    public Path workDir() {
        return workDir;
    }

    /** Where progress goes (standard error): never the figures, which the run prints itself. */
    public PrintStream progress() {
        return progress;
    }

    /** Prints one progress line, prefixed with the scenario's name. */
    public void progress(String format, Object... args) {
        progress.printf(Locale.ROOT, "%s [%.1f s]: %s%n", scenario, (System.nanoTime() - startNanos) / 1e9,
                String.format(Locale.ROOT, format, args));
        progress.flush();
    }

    /** The machine the figures are measured on. */
    public Machine machine() {
        return machine.get();
    }

    /**
     * Starts a real etcd (the binary the test kit finds) with its data in this scenario's work
     * directory, fsync on, and {@code extraArgs} added to its command line; stopped when the
     * scenario ends.
     */
    public EtcdProcess startEtcd(String... extraArgs) {
        return closeAtEnd(EtcdProcess.builder().dataDir(freshDir("etcd")).extraArgs(extraArgs).start());
    }

    /**
     * Starts the embedded server in its own JVM (this one's class path, {@code jvmOptions} added),
     * with its data in this scenario's work directory; stopped when the scenario ends.
     */
    public EmbeddedServerProcess startEmbeddedServer(String... jvmOptions) {
        return closeAtEnd(EmbeddedServerProcess.start(freshDir("embedded"), List.of(jvmOptions)));
    }

    /** Closes {@code resource} when the scenario ends, after everything registered later. */
    public synchronized <T extends AutoCloseable> T closeAtEnd(T resource) {
        if (closed) {
            throw new IllegalStateException("scenario '" + scenario + "' has ended");
        }
        resources.add(resource);
        return resource;
    }

    /**
     * Hands raw samples to the report: the chart {@code chartName} (also its x axis title, so
     * name the unit) draws the cumulative distribution of each series. Calls with the same
     * series add to it.
     */
    public void samples(String chartName, String series, double[] values) {
        charts.samples(scenario, chartName, series, values);
    }

    /** Hands (x, y) points to the report: the chart {@code chartName} draws each series as a line. */
    public void points(String chartName, String xTitle, String yTitle, String series, double[] x, double[] y) {
        charts.points(scenario, chartName, xTitle, yTitle, series, x, y);
    }

    /**
     * Waits until {@code condition} holds, checking every 100 ms.
     *
     * @throws IllegalStateException naming {@code what} if it does not hold within {@code timeout}
     */
    public void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not reached within " + timeout.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private Path freshDir(String prefix) {
        try {
            return Files.createTempDirectory(workDir, prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + workDir, e);
        }
    }

    /** Stops what the scenario started, newest first, then deletes the work directory. */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(resources);
        }
        progress("stopping what it started");
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                progress("closing %s failed: %s", toClose.get(i), e);
            }
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            progress("cannot delete %s: %s", workDir, e);
        }
    }
}
