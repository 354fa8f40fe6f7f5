package dev.baton.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run measured: every figure of a report is only comparable with figures taken on
 * the same description.
 *
 * @param cores       processors available to the JVM
 * @param memoryBytes physical memory
 * @param jdk         the JVM's name and version
 * @param etcdVersion the version the etcd binary reports ({@code "unknown"} if it cannot be run)
 */
public record Machine(int cores, long memoryBytes, String jdk, String etcdVersion) {

    /**
     * Describes this machine. The etcd binary is the one the test kit starts: {@code $BATON_ETCD},
     * else {@code etcd} on {@code PATH}.
     */
    static Machine describe() {
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        return new Machine(Runtime.getRuntime().availableProcessors(), memory,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), versionOfEtcdBinary());
    }

    private static String versionOfEtcdBinary() {
        String binary = System.getenv().getOrDefault("BATON_ETCD", "etcd");
        try {
            Process process = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "unknown";
            }
            return output.lines().filter(line -> line.startsWith("etcd Version:"))
                    .map(line -> line.substring("etcd Version:".length()).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** One line for a report: {@code 2 cores, 23.4 GiB, OpenJDK 64-Bit Server VM 17.0.15, etcd 3.4.23}. */
    public String describeLine() {
        String memory = memoryBytes < 0 ? "unknown memory"
                : String.format(Locale.ROOT, "%.1f GiB", memoryBytes / (1024.0 * 1024 * 1024));
        return String.format(Locale.ROOT, "%d cores, %s, %s, etcd %s", cores, memory, jdk, etcdVersion);
    }
}
