package dev.baton.bench.cache;

import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Scenario;
import dev.baton.testkit.EtcdProcess;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.Version;

/**
 * Baton's keyspace cache next to Curator's {@code CuratorCache} on ZooKeeper, each in this JVM
 * with its store in a process of its own: heap per key for N keys (1,000,000; quick: 50,000) of
 * {@value #VALUE_BYTES}-byte values ({@link CacheHeap}), and put → listener latency
 * ({@link Propagation}) over 2,000 puts (quick: 200).
 */
public final class CacheScenario implements Scenario {
    private static final String NAME = "cache";
    private static final int VALUE_BYTES = 100;
    private static final String LATENCY_PREFIX = "lat/";
    private static final String HEAP_PREFIX = "heap/";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "heap per key and put → listener latency: Baton's KeyspaceCache vs Curator's CuratorCache on ZooKeeper";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int keys = run.size(1_000_000, 50_000);
        int samples = run.size(2_000, 200);
        ZooKeeperProcess zooKeeper = run.closeAtEnd(ZooKeeperProcess.launch(run.workDir().resolve("zookeeper"),
                ZooKeeperProcess.HEAP));
        EtcdProcess etcd = run.startEtcd("--quota-backend-bytes=8589934592");
        zooKeeper.awaitServing();
        CachedStore baton = run.closeAtEnd(new BatonCacheStore(etcd.endpoint()));
        CachedStore curator = run.closeAtEnd(new CuratorCacheStore(zooKeeper.connectString()));
        String baselineName = "Curator CuratorCache, ZooKeeper " + Version.getFullVersion().split("-")[0];

        run.progress("put → listener latency, %,d puts each", samples);
        long[] batonNanos = Propagation.measure(baton, LATENCY_PREFIX, samples, VALUE_BYTES);
        long[] curatorNanos = Propagation.measure(curator, LATENCY_PREFIX, samples, VALUE_BYTES);
        run.samples("put → listener latency (ms)", baton.displayName(), CacheFigures.millis(batonNanos));
        run.samples("put → listener latency (ms)", curator.displayName(), CacheFigures.millis(curatorNanos));

        run.progress("writing %,d keys to etcd and to ZooKeeper", keys);
        // The stores fill at once, each in its own process; no measurement runs meanwhile.
        CompletableFuture<Void> curatorFilled = new CompletableFuture<>();
        Thread curatorFill = new Thread(() -> {
            try {
                fill(curator, keys);
                curatorFilled.complete(null);
            } catch (RuntimeException e) {
                curatorFilled.completeExceptionally(e);
            }
        }, "bench-cache-zookeeper-fill");
        curatorFill.start();
        fill(baton, keys);
        curatorFilled.join();
        run.progress("loading both caches, heap after full collections");
        double batonPerKey = CacheHeap.bytesPerKey(baton, HEAP_PREFIX, keys);
        double curatorPerKey = CacheHeap.bytesPerKey(curator, HEAP_PREFIX, keys);
        String heapMetric = String.format(Locale.ROOT, "heap per key, %,d keys, %d-byte values", keys, VALUE_BYTES);
        return CacheFigures.of(NAME, heapMetric, baselineName, batonPerKey, curatorPerKey, batonNanos, curatorNanos);
    }

    private static void fill(CachedStore store, int keys) {
        try {
            store.fill(HEAP_PREFIX, keys, VALUE_BYTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filling " + store.displayName(), e);
        } catch (Exception e) {
            throw new IllegalStateException("filling " + store.displayName() + " failed", e);
        }
    }
}
