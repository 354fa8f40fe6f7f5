package dev.baton.bench.store;

import com.google.protobuf.ByteString;
import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Percentiles;
import dev.baton.bench.Scenario;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The embedded server against real etcd on this machine, both with fsync on, both in their own
 * process with data on the same disk, driven by the same client code (plain gRPC, one connection
 * per client, closed loop, 100-byte values): put/s and txn/s with 1 and 16 concurrent clients,
 * watch delivery latency (p50, p99), then the heap an embedded server holds per key.
 *
 * <p>Both servers run side by side; each measure is repeated, alternating the servers, so that
 * changes in the machine's load hit both alike, and each server's median is reported.
 */
public final class StoreScenario implements Scenario {
    private static final String NAME = "store";
    private static final int VALUE_BYTES = 100;
    private static final String OWNER = "bench/txn/owner";

    private final ThreadLocal<Random> random = ThreadLocal.withInitial(Random::new);

    /** One server under test. */
    private record Server(String name, String endpoint, long ownerRevision) {
    }

    /** The sizes of one run. */
    private record Sizes(Duration serverWarmup, Duration warmup, Duration window, int repeat, int watchEvents,
            int heapKeys) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "the embedded server against real etcd (fsync on for both): put/s and txn/s at 1 and 16 clients,"
                + " watch delivery latency, heap per key";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        Sizes sizes = run.quick()
                ? new Sizes(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1), 1, 300, 100_000)
                : new Sizes(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(5), 3, 1000, 1_000_000);
        Server etcd = prepare(run, "etcd", run.startEtcd().endpoint(), sizes);
        Server embedded = prepare(run, "embedded", run.startEmbeddedServer("-Xmx1g").endpoint(), sizes);
        String baseline = "etcd " + version(etcd.endpoint());
        List<Figure> figures = new ArrayList<>();
        double[][] puts = new double[2][];
        double[][] txns = new double[2][];
        int[] clientCounts = {1, 16};
        for (int c = 0; c < clientCounts.length; c++) {
            puts[c] = throughput(run, embedded, etcd, clientCounts[c], false, sizes);
            txns[c] = throughput(run, embedded, etcd, clientCounts[c], true, sizes);
        }
        for (int c = 0; c < clientCounts.length; c++) {
            String clients = clientCounts[c] == 1 ? "1 client" : clientCounts[c] + " clients";
            figures.add(Figure.compared(NAME, "put/s, " + clients, "ops/s", puts[c][0], puts[c][1], baseline)
                    .withTrials(sizes.repeat()));
            figures.add(Figure.compared(NAME, "txn/s, " + clients, "ops/s", txns[c][0], txns[c][1], baseline)
                    .withTrials(sizes.repeat()));
        }
        double[] clientAxis = {1, 16};
        run.points("store throughput by client count", "concurrent clients", "requests per second",
                "embedded put", clientAxis, new double[] {puts[0][0], puts[1][0]});
        run.points("store throughput by client count", "concurrent clients", "requests per second",
                "etcd put", clientAxis, new double[] {puts[0][1], puts[1][1]});
        run.points("store throughput by client count", "concurrent clients", "requests per second",
                "embedded txn", clientAxis, new double[] {txns[0][0], txns[1][0]});
        run.points("store throughput by client count", "concurrent clients", "requests per second",
                "etcd txn", clientAxis, new double[] {txns[0][1], txns[1][1]});
        figures.addAll(watchLatency(run, embedded, etcd, baseline, sizes));
        run.progress("heap of an in-memory embedded server holding %,d keys", sizes.heapKeys());
        HeapFootprint.Result heap = HeapFootprint.measure(sizes.heapKeys(), VALUE_BYTES);
        figures.add(Figure.alone(NAME, String.format(Locale.ROOT, "heap per key, %,d keys of %d-byte values", heap.keys(),
                VALUE_BYTES), "bytes", heap.bytesPerKey()));
        return figures;
    }

    /** Creates the owner key the fenced writes compare against, then warms the server up. */
    private Server prepare(BenchRun run, String name, String endpoint, Sizes sizes) throws InterruptedException {
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
        run.progress("warming up %s at %s", name, endpoint);
        // Both servers get the same warm-up; the JVM's just-in-time compiler needs it, etcd does not.
        Duration half = sizes.serverWarmup().dividedBy(2);
        Throughput.perSecond(endpoint, 16, operation(server, false), Duration.ZERO, half);
        Throughput.perSecond(endpoint, 16, operation(server, true), Duration.ZERO, half);
        return server;
    }

    private Throughput.Operation operation(Server server, boolean txn) {
        return txn ? (kv, client, n) -> fencedPut(kv, client, n, server.ownerRevision()) : this::put;
    }

    /** The median rate of each server: {embedded, etcd}. */
    private double[] throughput(BenchRun run, Server embedded, Server etcd, int clients, boolean txn, Sizes sizes)
            throws InterruptedException {
        double[] onEmbedded = new double[sizes.repeat()];
        double[] onEtcd = new double[sizes.repeat()];
        for (int r = 0; r < sizes.repeat(); r++) {
            onEtcd[r] = Throughput.perSecond(etcd.endpoint(), clients, operation(etcd, txn), sizes.warmup(),
                    sizes.window());
            onEmbedded[r] = Throughput.perSecond(embedded.endpoint(), clients, operation(embedded, txn),
                    sizes.warmup(), sizes.window());
        }
        run.progress("%s/s, %d clients: embedded %s, etcd %s", txn ? "txn" : "put", clients,
                Arrays.toString(onEmbedded), java.util.Arrays.toString(onEtcd));
        return new double[] {Percentiles.median(onEmbedded), Percentiles.median(onEtcd)};
    }

    private List<Figure> watchLatency(BenchRun run, Server embedded, Server etcd, String baseline, Sizes sizes)
            throws InterruptedException {
        double[] embeddedP50 = new double[sizes.repeat()];
        double[] embeddedP99 = new double[sizes.repeat()];
        double[] etcdP50 = new double[sizes.repeat()];
        double[] etcdP99 = new double[sizes.repeat()];
        for (int r = 0; r < sizes.repeat(); r++) {
            WatchLatency.Result onEtcd = WatchLatency.measure(etcd.endpoint(), sizes.watchEvents());
            WatchLatency.Result onEmbedded = WatchLatency.measure(embedded.endpoint(), sizes.watchEvents());
            run.progress("watch latency: embedded %s, etcd %s", onEmbedded, onEtcd);
            run.samples("watch delivery latency (ms)", "embedded", onEmbedded.millis());
            run.samples("watch delivery latency (ms)", "etcd", onEtcd.millis());
            embeddedP50[r] = onEmbedded.p50Millis();
            embeddedP99[r] = onEmbedded.p99Millis();
            etcdP50[r] = onEtcd.p50Millis();
            etcdP99[r] = onEtcd.p99Millis();
        }
        int events = sizes.watchEvents() * sizes.repeat();
        return List.of(
                Figure.compared(NAME, "watch delivery p50", "ms", Percentiles.median(embeddedP50),
                        Percentiles.median(etcdP50), baseline).withTrials(events),
                Figure.compared(NAME, "watch delivery p99", "ms", Percentiles.median(embeddedP99),
                        Percentiles.median(etcdP99), baseline).withTrials(events));
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
}
