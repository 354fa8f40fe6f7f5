package dev.baton.chaos.workload;

import dev.baton.chaos.history.ResourceSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Samples the resources of JVM processes from outside: the live heap from
 * {@code jcmd PID GC.class_histogram} (which runs a full GC and totals what survives), threads
 * from {@code /proc/PID/status}, open file descriptors from {@code /proc/PID/fd}. Every
 * process's jcmd runs at once; a process that is gone, or does not answer within a minute, is
 * left out of the sample.
 */
public final class ResourceProbe {

    private static final long JCMD_TIMEOUT_SECONDS = 60;

    private ResourceProbe() {
    }

    /** Samples each of {@code processes} (name to pid). */
    public static List<ResourceSample> sample(Map<String, Long> processes, Path scratch) throws IOException,
            InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("the path of this JVM's java is unknown")))
                .resolveSibling("jcmd");
        Map<String, Process> histograms = new LinkedHashMap<>();
        Map<String, Path> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, Long> process : processes.entrySet()) {
            Path output = Files.createTempFile(scratch, "histogram-", ".txt");
            outputs.put(process.getKey(), output);
            histograms.put(process.getKey(), new ProcessBuilder(jcmd.toString(), process.getValue().toString(),
                    "GC.class_histogram").redirectErrorStream(true).redirectOutput(output.toFile()).start());
        }
        List<ResourceSample> samples = new ArrayList<>();
        try {
            for (Map.Entry<String, Process> histogram : histograms.entrySet()) {
                String name = histogram.getKey();
                long pid = processes.get(name);
                boolean finished = histogram.getValue().waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (finished && histogram.getValue().exitValue() == 0) {
                    liveHeap(outputs.get(name)).ifPresent(heap -> read(name, pid, heap).ifPresent(samples::add));
                }
            }
        } finally {
            histograms.values().forEach(Process::destroyForcibly);
            for (Path output : outputs.values()) {
                Files.deleteIfExists(output);
            }
        }
        return samples;
    }

    /** The histogram's closing line, {@code Total <instances> <bytes>}. */
    private static Optional<Long> liveHeap(Path histogram) throws IOException {
        try (Stream<String> lines = Files.lines(histogram, StandardCharsets.UTF_8)) {
            return lines.map(String::trim).filter(line -> line.startsWith("Total "))
                    .map(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
                    .reduce((first, second) -> second);
        }
    }

    private static Optional<ResourceSample> read(String name, long pid, long heap) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            long open = fds.count();
            int threads = Files.readAllLines(proc.resolve("status"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("Threads:"))
                    .mapToInt(line -> Integer.parseInt(line.substring("Threads:".length()).trim()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no thread count in " + proc));
            return Optional.of(new ResourceSample(name, pid, heap, threads, (int) open));
        } catch (IOException e) {
            // The process ended between the histogram and now.
            return Optional.empty();
        }
    }
}
