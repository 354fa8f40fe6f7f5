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
 * from {@code /proc/PID/status} and, by name, from {@code jcmd PID Thread.print} (to tell the
 * elastic pools' threads from the others), open file descriptors from {@code /proc/PID/fd}. Every
 * process's jcmds run at once; a process that is gone, or does not answer within a minute, is
 * left out of the sample. A sampled process runs with {@link #sampledJvmArgs()}, so that what the
 * full GC leaves is what the process strongly holds.
 */
public final class ResourceProbe {

    private static final long JCMD_TIMEOUT_SECONDS = 60;

    private ResourceProbe() {
    }

    /**
     * The JVM options of every process this probe samples. Without them a full GC of the serial
     * collector the suite's JVMs run leaves dead objects in place as filler {@code int[]}s, up to
     * 5 % of the old generation, in three full GCs out of four ({@code MarkSweepDeadRatio},
     * {@code MarkSweepAlwaysCompactCount}), and keeps soft-referenced caches (reflection data,
     * locales) for a second per free MiB since their last use. The embedded server's histograms
     * moved by more than 1 MiB between full GCs a minute or two apart from those two alone, about 10 %
     * of its heap. With them, no dead space is left and soft references are cleared at every GC;
     * nothing else in the processes depends on either.
     */
    public static String[] sampledJvmArgs() {
        return new String[] {"-XX:MarkSweepDeadRatio=0", "-XX:SoftRefLRUPolicyMSPerMB=0"};
    }

    /** Samples each of {@code processes} (name to pid). */
    public static List<ResourceSample> sample(Map<String, Long> processes, Path scratch) throws IOException,
            InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("the path of this JVM's java is unknown")))
                .resolveSibling("jcmd");
        Map<String, Jcmd> histograms = new LinkedHashMap<>();
        Map<String, Jcmd> threadDumps = new LinkedHashMap<>();
        for (Map.Entry<String, Long> process : processes.entrySet()) {
            histograms.put(process.getKey(), Jcmd.start(jcmd, process.getValue(), "GC.class_histogram", scratch));
            threadDumps.put(process.getKey(), Jcmd.start(jcmd, process.getValue(), "Thread.print", scratch));
        }
        List<ResourceSample> samples = new ArrayList<>();
        try {
            for (String name : processes.keySet()) {
                long pid = processes.get(name);
                Optional<Long> heap = histograms.get(name).await().flatMap(ResourceProbe::liveHeap);
                Optional<Integer> pooled = threadDumps.get(name).await().map(ResourceProbe::poolThreads);
                if (heap.isPresent() && pooled.isPresent()) {
                    read(name, pid, heap.get(), pooled.get()).ifPresent(samples::add);
                }
            }
        } finally {
            for (Jcmd each : histograms.values()) {
                each.close();
            }
            for (Jcmd each : threadDumps.values()) {
                each.close();
            }
        }
        return samples;
    }

    /** One jcmd run on a process, its output in a scratch file. */
    private record Jcmd(Process process, Path output) {

        static Jcmd start(Path jcmd, long pid, String command, Path scratch) throws IOException {
            Path output = Files.createTempFile(scratch, "jcmd-", ".txt");
            return new Jcmd(new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start(), output);
        }

        /** The output's lines, or nothing when jcmd failed or did not answer in time. */
        Optional<List<String>> await() throws IOException, InterruptedException {
            boolean finished = process.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!finished || process.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(Files.readAllLines(output, StandardCharsets.UTF_8));
        }

        void close() throws IOException {
            process.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    /** Threads of a {@code Thread.print} dump (each opens with its quoted name) in the elastic pools. */
    private static int poolThreads(List<String> dump) {
        return (int) dump.stream().filter(line -> line.startsWith("\""))
                .map(line -> line.substring(1, Math.max(1, line.indexOf('"', 1))))
                .filter(ResourceSample::isPoolThread).count();
    }

    /** The histogram's closing line, {@code Total <instances> <bytes>}. */
    private static Optional<Long> liveHeap(List<String> histogram) {
        return histogram.stream().map(String::trim).filter(line -> line.startsWith("Total "))
                .map(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
                .reduce((first, second) -> second);
    }

    private static Optional<ResourceSample> read(String name, long pid, long heap, int poolThreads) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            long open = fds.count();
            int threads = Files.readAllLines(proc.resolve("status"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("Threads:"))
                    .mapToInt(line -> Integer.parseInt(line.substring("Threads:".length()).trim()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no thread count in " + proc));
            return Optional.of(new ResourceSample(name, pid, heap, threads, Math.min(poolThreads, threads), (int) open));
        } catch (IOException e) {
            // The process ended between the histogram and now.
            return Optional.empty();
        }
    }
}
