package dev.baton.server;

import dev.baton.server.store.StoreState;
import dev.baton.server.wal.Journal;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The server's metrics in Prometheus' text format, under the names etcd uses for the same
 * quantities, so tools written for etcd read them: {@code etcdctl check datascale} reads
 * {@code process_resident_memory_bytes}; dashboards read the {@code etcd_server_*},
 * {@code etcd_mvcc_*} and {@code process_*} series. Only quantities the server really has are
 * reported: one member that is always leader, the log's size, space quota and record count, the
 * revisions, the time the log takes to make a batch durable (etcd's WAL fsync histogram), the
 * gRPC calls and messages per method, and the process's memory, descriptors, CPU time and start
 * time.
 */
final class Metrics {
    /** The cluster version as etcd labels it: major.minor. */
    private static final String CLUSTER_VERSION = "3.4";

    private final StoreState state;
    private final Journal journal;
    private final long quotaBytes;
    private final LatencyHistogram syncLatency;
    private final GrpcCallMetrics calls;

    Metrics(StoreState state, Journal journal, long quotaBytes, LatencyHistogram syncLatency, GrpcCallMetrics calls) {
        this.state = state;
        this.journal = journal;
        this.quotaBytes = quotaBytes;
        this.syncLatency = syncLatency;
        this.calls = calls;
    }

    String render() {
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "etcd_server_has_leader", "1 when the member has a leader; this member is always its own.", 1);
        gauge(out, "etcd_server_is_leader", "1 when the member is the leader; it always is.", 1);
        counter(out, "etcd_server_leader_changes_seen_total", "Leader changes seen; one, when the member started.", 1);
        labelled(out, "etcd_server_version", "The version of the etcd API served.", "server_version",
                MaintenanceService.API_VERSION);
        labelled(out, "etcd_cluster_version", "The cluster version.", "cluster_version", CLUSTER_VERSION);
        long size = journal.sizeOnDisk();
        gauge(out, "etcd_mvcc_db_total_size_in_bytes", "Bytes the data directory occupies.", size);
        gauge(out, "etcd_mvcc_db_total_size_in_use_in_bytes", "Bytes the data directory occupies.", size);
        gauge(out, "etcd_server_quota_backend_bytes", "The space quota in bytes.", quotaBytes);
        long records = journal.lastIndex();
        gauge(out, "etcd_server_proposals_committed_total", "Writes committed to the log (a gauge, as in etcd).",
                records);
        gauge(out, "etcd_server_proposals_applied_total", "Writes applied (a gauge, as in etcd).", records);
        gauge(out, "etcd_server_proposals_pending", "Writes waiting to be committed.", 0);
        gauge(out, "etcd_debugging_mvcc_current_revision", "The current revision of the key space.",
                state.publishedRevision());
        gauge(out, "etcd_debugging_mvcc_compact_revision", "The last compaction revision, -1 when none.",
                state.kv().compactRevision());
        syncLatency.render(out, "etcd_disk_wal_fsync_duration_seconds",
                "The time each batch of writes took to be written to the log and forced to disk.");
        calls.render(out);
        process(out);
        return out.toString();
    }

    private static void process(StringBuilder out) {
        Path status = Path.of("/proc/self/status");
        long rss = -1;
        long virtual = -1;
        if (Files.isReadable(status)) {
            try {
                for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                    if (line.startsWith("VmRSS:")) {
                        rss = kilobytes(line);
                    } else if (line.startsWith("VmSize:")) {
                        virtual = kilobytes(line);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                rss = -1;
            }
        }
        if (rss < 0) {
            Runtime runtime = Runtime.getRuntime();
            rss = runtime.totalMemory();
        }
        gauge(out, "process_resident_memory_bytes", "Resident memory of the process in bytes.", rss);
        if (virtual >= 0) {
            gauge(out, "process_virtual_memory_bytes", "Virtual memory of the process in bytes.", virtual);
        }
        long openFds = openFileDescriptors();
        if (openFds >= 0) {
            gauge(out, "process_open_fds", "Open file descriptors.", openFds);
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            out.append("# HELP process_cpu_seconds_total User and system CPU time of the process in seconds.\n")
                    .append("# TYPE process_cpu_seconds_total counter\n")
                    .append("process_cpu_seconds_total ")
                    .append(String.format(Locale.ROOT, "%.2f", os.getProcessCpuTime() / 1e9)).append('\n');
        }
        long start = ManagementFactory.getRuntimeMXBean().getStartTime();
        out.append("# HELP process_start_time_seconds Start time of the process, seconds since the Unix epoch.\n")
                .append("# TYPE process_start_time_seconds gauge\n")
                .append("process_start_time_seconds ")
                .append(String.format(Locale.ROOT, "%.2f", start / 1000.0)).append('\n');
    }

    /** The number of open file descriptors, -1 where {@code /proc} cannot tell. */
    private static long openFileDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> open = Files.list(fds)) {
            return open.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long kilobytes(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "gauge", name + " " + value);
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "counter", name + " " + value);
    }

    private static void labelled(StringBuilder out, String name, String help, String label, String value) {
        metric(out, name, help, "gauge", name + "{" + label + "=\"" + value + "\"} 1");
    }

    private static void metric(StringBuilder out, String name, String help, String type, String sample) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(sample).append('\n');
    }
}
