package dev.baton.bench;

import com.google.protobuf.ByteString;
import dev.baton.testkit.EtcdProcess;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The embedded server against real etcd on this machine, both with fsync on, both in their own
 * process with data on the same disk, driven by the same client code: put/s and txn/s with 1 and
 * 16 concurrent clients, watch delivery latency (p50, p99), and the ratios embedded/etcd. Then
 * the heap an embedded server holds for 1,000,000 keys of 100-byte values.
 *
 * <p>Both servers run side by side; each measure is repeated, alternating the servers, so that
 * changes in the machine's load hit both alike, and each server's median is reported.
 *
 * <pre>
 * ./scripts/bench-store [--server-warmup=SECONDS] [--warmup=SECONDS] [--duration=SECONDS]
 *                       [--repeat=N] [--watch-events=N] [--heap-keys=N]
 * </pre>
 *
 * Prints a Markdown table on standard output, progress on standard error.
 */
public final class StoreBenchmark {
    private static final int VALUE_BYTES = 100;
    private static final String OWNER = "bench/txn/owner";
    private static final List<String> OPTIONS =
            List.of("server-warmup", "warmup", "duration", "repeat", "watch-events", "heap-keys");

    private final Duration serverWarmup;
    private final Duration warmup;
    private final Duration window;
    private final int repeat;
    private final int watchEvents;
    private final int heapKeys;
    private final ThreadLocal<Random> random = ThreadLocal.withInitial(Random::new);

    /** One server under test. */
    private record Server(String name, String endpoint, long ownerRevision) {
    }

    /** The median of a measure's runs on each server. */
    private record Measure(String name, double embedded, double etcd, String format) {
    }

    private StoreBenchmark(Map<String, String> options) {
        this.serverWarmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("server-warmup", "10")));
        this.warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "2")));
        this.window = Duration.ofSeconds(Long.parseLong(options.getOrDefault("duration", "5")));
        this.repeat = Integer.parseInt(options.getOrDefault("repeat", "3"));
        this.watchEvents = Integer.parseInt(options.getOrDefault("watch-events", "1000"));
        this.heapKeys = Integer.parseInt(options.getOrDefault("heap-keys", "1000000"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !kv[0].startsWith("--") || !OPTIONS.contains(kv[0].substring(2))) {
                System.err.println("unknown argument '" + arg + "'; usage: StoreBenchmark [--server-warmup=SECONDS]"
                        + " [--warmup=SECONDS] [--duration=SECONDS] [--repeat=N] [--watch-events=N]"
                        + " [--heap-keys=N]");
                System.exit(2);
            }
            options.put(kv[0].substring(2), kv[1]);
        }
        new StoreBenchmark(options).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Path root = Files.createTempDirectory("baton-bench-");
        try (EtcdProcess etcdProcess = EtcdProcess.builder().dataDir(root.resolve("etcd")).start();
             EmbeddedServerProcess embeddedProcess = EmbeddedServerProcess.start(root.resolve("embedded"),
                     List.of("-Xmx1g"))) {
            Server etcd = prepare("etcd", etcdProcess.endpoint());
            Server embedded = prepare("embedded", embeddedProcess.endpoint());
            List<Measure> measures = new ArrayList<>();
            measures.add(throughput("put/s, 1 client", embedded, etcd, 1, false));
            measures.add(throughput("put/s, 16 clients", embedded, etcd, 16, false));
            measures.add(throughput("txn/s, 1 client", embedded, etcd, 1, true));
            measures.add(throughput("txn/s, 16 clients", embedded, etcd, 16, true));
            measures.addAll(watchLatency(embedded, etcd));
            HeapFootprint.Result heap = heapKeys > 0 ? HeapFootprint.measure(heapKeys, VALUE_BYTES) : null;
            print(version(etcd.endpoint()), measures, heap);
        } finally {
            deleteRecursively(root);
        }
    }

    /** Creates the owner key the fenced writes compare against, then warms the server up. */
    private Server prepare(String name, String endpoint) throws InterruptedException {
        ManagedChannel channel = Clients.channel(endpoint);
        long ownerRevision;
        try {
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
            kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(OWNER))
                    .setValue(ByteString.copyFromUtf8("me")).build());
            ownerRevision = kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(OWNER)).build())
                    .getKvs(0).getCreateRevision();
        } finally {
            channel.shutdownNow();
        }
        Server server = new Server(name, endpoint, ownerRevision);
        System.err.printf("warming up %s at %s%n", name, endpoint);
        // Both servers get the same warm-up; the JVM's just-in-time compiler needs it, etcd does not.
        Throughput.perSecond(endpoint, 16, operation(server, false), Duration.ZERO, serverWarmup.dividedBy(2));
        Throughput.perSecond(endpoint, 16, operation(server, true), Duration.ZERO, serverWarmup.dividedBy(2));
        return server;
    }

    private Throughput.Operation operation(Server server, boolean txn) {
        return txn ? (kv, client, n) -> fencedPut(kv, client, n, server.ownerRevision()) : this::put;
    }

    private Measure throughput(String name, Server embedded, Server etcd, int clients, boolean txn)
            throws InterruptedException {
        List<Double> onEmbedded = new ArrayList<>();
        List<Double> onEtcd = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            onEtcd.add(Throughput.perSecond(etcd.endpoint(), clients, operation(etcd, txn), warmup, window));
            onEmbedded.add(Throughput.perSecond(embedded.endpoint(), clients, operation(embedded, txn), warmup,
                    window));
        }
        System.err.printf(Locale.ROOT, "%s: embedded %s, etcd %s%n", name, onEmbedded, onEtcd);
        return new Measure(name, median(onEmbedded, d -> d), median(onEtcd, d -> d), "%.0f");
    }

    private List<Measure> watchLatency(Server embedded, Server etcd) throws InterruptedException {
        List<WatchLatency.Result> onEmbedded = new ArrayList<>();
        List<WatchLatency.Result> onEtcd = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            onEtcd.add(WatchLatency.measure(etcd.endpoint(), watchEvents));
            onEmbedded.add(WatchLatency.measure(embedded.endpoint(), watchEvents));
        }
        System.err.printf(Locale.ROOT, "watch latency: embedded %s, etcd %s%n", onEmbedded, onEtcd);
        return List.of(
                new Measure("watch delivery p50 (ms)", median(onEmbedded, WatchLatency.Result::p50Millis),
                        median(onEtcd, WatchLatency.Result::p50Millis), "%.2f"),
                new Measure("watch delivery p99 (ms)", median(onEmbedded, WatchLatency.Result::p99Millis),
                        median(onEtcd, WatchLatency.Result::p99Millis), "%.2f"));
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> of) {
        double[] sorted = values.stream().mapToDouble(of).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private ByteString value() {
        byte[] bytes = new byte[VALUE_BYTES];
        random.get().nextBytes(bytes);
        return ByteString.copyFrom(bytes);
    }

    private void put(KVGrpc.KVBlockingStub kv, int client, long n) {
        kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("bench/put/" + client + "/" + (n % 1000)))
                .setValue(value()).build());
    }

    /** A write guarded the way Baton guards every write of an owner: by the owner key's create revision. */
    private void fencedPut(KVGrpc.KVBlockingStub kv, int client, long n, long ownerRevision) {
        kv.txn(TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8(OWNER))
                        .setTarget(Compare.CompareTarget.CREATE).setResult(Compare.CompareResult.EQUAL)
                        .setCreateRevision(ownerRevision))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8("bench/txn/" + client + "/" + (n % 1000))).setValue(value())))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(OWNER))))
                .build());
    }

    private static String version(String endpoint) {
        ManagedChannel channel = Clients.channel(endpoint);
        try {
            return MaintenanceGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()).getVersion();
        } finally {
            channel.shutdownNow();
        }
    }

    private void print(String etcdVersion, List<Measure> measures, HeapFootprint.Result heap) {
        System.out.printf(Locale.ROOT, "Machine: %d cores, %s %s; etcd %s; fsync on for both; each server warmed"
                        + " up for %d s; each figure is the median of %d runs of %d s (after %d s of warm-up),"
                        + " alternating the servers; watch latency over %d events per run.%n%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), etcdVersion, serverWarmup.toSeconds(), repeat,
                window.toSeconds(), warmup.toSeconds(), watchEvents);
        System.out.println("| measure | embedded | etcd | embedded/etcd |");
        System.out.println("|---|---:|---:|---:|");
        for (Measure m : measures) {
            System.out.printf(Locale.ROOT, "| %s | " + m.format() + " | " + m.format() + " | %.2f |%n", m.name(),
                    m.embedded(), m.etcd(), m.embedded() / m.etcd());
        }
        if (heap != null) {
            System.out.printf(Locale.ROOT, "%nHeap held by the embedded server for %,d keys of %d-byte values:"
                    + " %.0f MiB (%.0f bytes per key).%n", heap.keys(), heap.valueBytes(), heap.mebibytes(),
                    heap.bytesPerKey());
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
