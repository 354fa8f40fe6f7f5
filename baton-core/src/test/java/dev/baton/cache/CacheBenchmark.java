package dev.baton.cache;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.testkit.EtcdProcess;
import dev.baton.testkit.TcpProxy;
import io.etcd.jetcd.op.Op;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Measures the keyspace cache on a real etcd it starts itself: heap per key for a large prefix,
 * put-to-listener latency, and the time to resync a prefix after a compaction. Not a test; run it
 * as described in docs/benchmarks.md. Sizes come from system properties {@code bench.keys}
 * (default 1,000,000), {@code bench.samples} (2,000) and {@code bench.resyncKeys} (100,000).
 */
public final class CacheBenchmark {
    private static final int VALUE_BYTES = 100;
    private static final int OPS_PER_TXN = 128;
    private static final int TXNS_IN_FLIGHT = 16;

    private CacheBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int keys = Integer.getInteger("bench.keys", 1_000_000);
        int samples = Integer.getInteger("bench.samples", 2_000);
        int resyncKeys = Integer.getInteger("bench.resyncKeys", 100_000);
        try (EtcdProcess etcdProcess = EtcdProcess.builder().extraArgs("--quota-backend-bytes=8589934592").start();
             Etcd etcd = Etcd.builder().endpoints(etcdProcess.endpoint()).requestTimeout(Duration.ofSeconds(60)).build()) {
            report("etcd", etcdProcess.etcdctl("version").lines().findFirst().orElse("?") + ", JVM "
                    + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
            latency(etcd, samples);
            resync(etcd, etcdProcess, resyncKeys);
            heapPerKey(etcd, keys);
        }
    }

    private static void heapPerKey(Etcd etcd, int keys) throws Exception {
        String prefix = "mem/";
        long rawBytes = fill(etcd, prefix, keys);
        report("heap", String.format(Locale.ROOT, "%,d keys, raw key+value %.1f bytes per key", keys, (double) rawBytes / keys));

        long before = settledHeap();
        long started = System.nanoTime();
        KeyspaceCache<byte[]> cache = KeyspaceCache.builder(etcd, prefix, ValueDecoder.bytes())
                .startTimeout(Duration.ofMinutes(30)).start();
        long loadMillis = (System.nanoTime() - started) / 1_000_000;
        long after = settledHeap();
        report("heap", String.format(Locale.ROOT, "KeyspaceCache<byte[]>: %.1f bytes per key (%.2f x raw), loaded in %,d ms",
                (double) (after - before) / keys, (double) (after - before) / rawBytes, loadMillis));
        int size = cache.snapshot().size();

        before = settledHeap();
        TreeMap<String, byte[]> plain = new TreeMap<>();
        cache.snapshot().forEach(entry -> plain.put(entry.key(), entry.value().clone()));
        after = settledHeap();
        report("heap", String.format(Locale.ROOT, "for reference, a TreeMap<String, byte[]> of the same keys and values"
                + " (no metadata): %.1f bytes per key", (double) (after - before) / plain.size()));
        cache.close();
        if (size != keys || plain.size() != keys) {
            throw new IllegalStateException("expected " + keys + " keys, the cache had " + size);
        }
    }

    private static void latency(Etcd etcd, int samples) throws Exception {
        String prefix = "lat/";
        BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        try (KeyspaceCache<byte[]> cache = KeyspaceCache.builder(etcd, prefix, ValueDecoder.bytes())
                .listener(event -> {
                    if (event.kind() != CacheEvent.Kind.RESYNCED) {
                        arrivals.add(System.nanoTime());
                    }
                }).start()) {
            int warmup = samples / 10;
            long[] putToListener = new long[samples];
            long[] putRoundTrip = new long[samples];
            byte[] value = new byte[VALUE_BYTES];
            for (int i = -warmup; i < samples; i++) {
                long sent = System.nanoTime();
                etcd.put(prefix + "k" + Math.floorMod(i, 100), value, 0).get();
                long acknowledged = System.nanoTime();
                Long arrived = arrivals.poll(10, TimeUnit.SECONDS);
                if (arrived == null) {
                    throw new IllegalStateException("no event within 10 s for put " + i + " (cache " + cache + ")");
                }
                if (i >= 0) {
                    putToListener[i] = arrived - sent;
                    putRoundTrip[i] = acknowledged - sent;
                }
            }
            report("latency", String.format(Locale.ROOT, "put -> listener over %,d sequential puts: p50 %s, p99 %s, max %s"
                    + " (put round trip alone: p50 %s, p99 %s)", samples, millis(putToListener, 50), millis(putToListener, 99),
                    millis(putToListener, 100), millis(putRoundTrip, 50), millis(putRoundTrip, 99)));
        }
    }

    private static void resync(Etcd etcd, EtcdProcess etcdProcess, int keys) throws Exception {
        String prefix = "rs/";
        fill(etcd, prefix, keys);
        BlockingQueue<Long> markers = new LinkedBlockingQueue<>();
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", etcdProcess.clientPort());
             Etcd viaProxy = Etcd.builder().endpoints(proxy.endpoint()).requestTimeout(Duration.ofSeconds(60)).build();
             KeyspaceCache<byte[]> cache = KeyspaceCache.builder(viaProxy, prefix, ValueDecoder.bytes())
                     .startTimeout(Duration.ofMinutes(2))
                     .listener(event -> {
                         if (event.kind() == CacheEvent.Kind.RESYNCED) {
                             markers.add(System.nanoTime());
                         }
                     }).start()) {
            markers.take();
            for (int changed : new int[] {0, keys / 100, keys / 100}) {
                proxy.cut();
                List<CompletableFuture<Long>> writes = new ArrayList<>();
                for (int i = 0; i < changed; i++) {
                    writes.add(etcd.put(prefix + key(i * 97 % keys), ("changed-" + i).getBytes(StandardCharsets.UTF_8), 0));
                }
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
                etcd.put("elsewhere", new byte[1], 0).get();
                long last = etcd.put("elsewhere", new byte[1], 0).get();
                etcd.compact(last).get();
                proxy.heal();
                long healed = System.nanoTime();
                Long marker = markers.poll(60, TimeUnit.SECONDS);
                if (marker == null) {
                    throw new IllegalStateException("no resync within 60 s (cache " + cache + ")");
                }
                KeyspaceCache.LoadReport load = cache.lastLoad();
                report("resync", String.format(Locale.ROOT, "%,d keys, %,d changed while cut: reload %,d ms (read, diff, apply;"
                        + " %,d differences); heal -> RESYNCED %,d ms (includes the watch's reconnect backoff)", load.keys(),
                        changed, load.took().toMillis(), load.differences(), (marker - healed) / 1_000_000));
            }
        }
        long started = System.nanoTime();
        int read = etcd.range(KeyRange.prefix(prefix)).get().kvs().size();
        report("resync", String.format(Locale.ROOT, "for reference, the facade's paged read of the same %,d keys alone: %,d ms",
                read, (System.nanoTime() - started) / 1_000_000));
    }

    /** Writes {@code keys} keys of {@value #VALUE_BYTES}-byte values in pipelined transactions; yields the raw bytes. */
    private static long fill(Etcd etcd, String prefix, int keys) throws Exception {
        long started = System.nanoTime();
        long raw = 0;
        Queue<CompletableFuture<?>> inFlight = new ArrayDeque<>();
        List<Op> batch = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String key = prefix + key(i);
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) ('a' + i % 26));
            raw += key.getBytes(StandardCharsets.UTF_8).length + value.length;
            batch.add(Operations.put(key, value, 0));
            if (batch.size() == OPS_PER_TXN || i == keys - 1) {
                if (inFlight.size() >= TXNS_IN_FLIGHT) {
                    inFlight.remove().get();
                }
                inFlight.add(etcd.txn(List.of(), List.copyOf(batch), List.of()));
                batch.clear();
            }
        }
        while (!inFlight.isEmpty()) {
            inFlight.remove().get();
        }
        report("fill", String.format(Locale.ROOT, "wrote %,d keys under %s in %,d ms", keys, prefix,
                (System.nanoTime() - started) / 1_000_000));
        return raw;
    }

    private static String key(int i) {
        return String.format(Locale.ROOT, "k%07d", i);
    }

    /** Heap in use after full collections have stopped freeing memory. */
    private static long settledHeap() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            System.gc();
            Thread.sleep(200);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < (1 << 20)) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    private static String millis(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return String.format(Locale.ROOT, "%.2f ms", sorted[Math.max(0, index)] / 1e6);
    }

    private static void report(String section, String line) {
        System.out.println("[" + section + "] " + line);
    }
}
