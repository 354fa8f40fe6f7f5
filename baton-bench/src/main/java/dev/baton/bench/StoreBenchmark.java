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
import java.util.stream.Stream;

/**
 * The embedded server against real etcd on this machine, both with fsync on, both in their own
 * process with data on the same disk, driven by the same client code: put/s and txn/s with 1 and
 * 16 concurrent clients, watch delivery latency (p50, p99), and the ratios embedded/etcd. Then
 * the heap an embedded server holds for 1,000,000 keys of 100-byte values.
 *
 * <pre>
 * ./scripts/bench-store [--server-warmup=SECONDS] [--warmup=SECONDS] [--duration=SECONDS]
 *                       [--watch-events=N] [--heap-keys=N]
 * </pre>
 *
 * Prints a Markdown table on standard output.
 */
public final class StoreBenchmark {
    private static final int VALUE_BYTES = 100;

    private final Duration serverWarmup;
    private final Duration warmup;
    private final Duration window;
    private final int watchEvents;
    private final int heapKeys;

    private StoreBenchmark(Map<String, String> options) {
        this.serverWarmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("server-warmup", "10")));
        this.warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "2")));
        this.window = Duration.ofSeconds(Long.parseLong(options.getOrDefault("duration", "5")));
        this.watchEvents = Integer.parseInt(options.getOrDefault("watch-events", "1000"));
        this.heapKeys = Integer.parseInt(options.getOrDefault("heap-keys", "1000000"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !kv[0].startsWith("--")
                    || !List.of("--server-warmup", "--warmup", "--duration", "--watch-events", "--heap-keys")
                            .contains(kv[0])) {
                System.err.println("unknown argument '" + arg + "'; usage: StoreBenchmark [--server-warmup=SECONDS]"
                        + " [--warmup=SECONDS] [--duration=SECONDS] [--watch-events=N] [--heap-keys=N]");
                System.exit(2);
            }
            options.put(kv[0].substring(2), kv[1]);
        }
        new StoreBenchmark(options).run();
        System.exit(0);
    }

    /** What one server achieved. */
    private record Figures(String version, double put1, double put16, double txn1, double txn16,
            WatchLatency.Result watch) {
    }

    private void run() throws Exception {
        Path root = Files.createTempDirectory("baton-bench-");
        try {
            Figures etcd;
            try (EtcdProcess process = EtcdProcess.builder().dataDir(root.resolve("etcd")).start()) {
                etcd = measure("etcd", process.endpoint());
            }
            Figures embedded;
            try (EmbeddedServerProcess process = EmbeddedServerProcess.start(root.resolve("embedded"),
                    List.of("-Xmx1g"))) {
                embedded = measure("embedded", process.endpoint());
            }
            HeapFootprint.Result heap = heapKeys > 0 ? HeapFootprint.measure(heapKeys, VALUE_BYTES) : null;
            print(etcd, embedded, heap);
        } finally {
            deleteRecursively(root);
        }
    }

    private Figures measure(String name, String endpoint) throws InterruptedException {
        System.err.printf("measuring %s at %s%n", name, endpoint);
        String version;
        ManagedChannel channel = Clients.channel(endpoint);
        try {
            version = MaintenanceGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()).getVersion();
            KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(OWNER))
                    .setValue(ByteString.copyFromUtf8("me")).build());
        } finally {
            channel.shutdownNow();
        }
        long ownerRevision = ownerRevision(endpoint);
        Throughput.Operation txn = (kv, client, n) -> fencedPut(kv, client, n, ownerRevision);
        // Both servers get the same warm-up; the JVM's just-in-time compiler needs it, etcd does not.
        Throughput.perSecond(endpoint, 16, this::put, Duration.ZERO, serverWarmup.dividedBy(2));
        Throughput.perSecond(endpoint, 16, txn, Duration.ZERO, serverWarmup.dividedBy(2));
        double put1 = Throughput.perSecond(endpoint, 1, this::put, warmup, window);
        double put16 = Throughput.perSecond(endpoint, 16, this::put, warmup, window);
        double txn1 = Throughput.perSecond(endpoint, 1, txn, warmup, window);
        double txn16 = Throughput.perSecond(endpoint, 16, txn, warmup, window);
        WatchLatency.Result watch = WatchLatency.measure(endpoint, watchEvents);
        return new Figures(version, put1, put16, txn1, txn16, watch);
    }

    private static final String OWNER = "bench/txn/owner";
    private final ThreadLocal<Random> random = ThreadLocal.withInitial(Random::new);

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

    private static long ownerRevision(String endpoint) {
        ManagedChannel channel = Clients.channel(endpoint);
        try {
            return KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8(OWNER)).build()).getKvs(0).getCreateRevision();
        } finally {
            channel.shutdownNow();
        }
    }

    private void print(Figures etcd, Figures embedded, HeapFootprint.Result heap) {
        System.out.printf(Locale.ROOT, "Machine: %d cores, %s %s; etcd %s; fsync on for both; each server warmed"
                        + " up for %d s, then %d s per measure after %d s warm-up; %d watch events.%n%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), etcd.version(), serverWarmup.toSeconds(), window.toSeconds(),
                warmup.toSeconds(), watchEvents);
        System.out.println("| measure | embedded | etcd | embedded/etcd |");
        System.out.println("|---|---:|---:|---:|");
        row("put/s, 1 client", embedded.put1(), etcd.put1(), "%.0f");
        row("put/s, 16 clients", embedded.put16(), etcd.put16(), "%.0f");
        row("txn/s, 1 client", embedded.txn1(), etcd.txn1(), "%.0f");
        row("txn/s, 16 clients", embedded.txn16(), etcd.txn16(), "%.0f");
        row("watch delivery p50 (ms)", embedded.watch().p50Millis(), etcd.watch().p50Millis(), "%.2f");
        row("watch delivery p99 (ms)", embedded.watch().p99Millis(), etcd.watch().p99Millis(), "%.2f");
        if (heap != null) {
            System.out.printf(Locale.ROOT, "%nHeap held by the embedded server for %,d keys of %d-byte values:"
                    + " %.0f MiB (%.0f bytes per key).%n", heap.keys(), heap.valueBytes(), heap.mebibytes(),
                    heap.bytesPerKey());
        }
    }

    private static void row(String measure, double embedded, double etcd, String format) {
        System.out.printf(Locale.ROOT, "| %s | " + format + " | " + format + " | %.2f |%n", measure, embedded, etcd,
                embedded / etcd);
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
