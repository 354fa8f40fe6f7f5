package dev.baton.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded random stream of writes while the cache's connection is cut three times, once with a
 * compaction of the history it missed. Run again with {@code -Dbaton.seed=<seed>} to replay a failure.
 */
class CacheConsistencyTest {
    private static final Logger LOG = LoggerFactory.getLogger(CacheConsistencyTest.class);
    private static final String PREFIX = "consistency/";
    private static final int KEYS = 300;
    private static final int OPERATIONS = 12_000;
    private static final int IN_FLIGHT = 64;
    /** The writer is the test's instrument, not under test: on a loaded machine 64 writes in flight can outlast the default. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** What the writer did: put revisions are unique, so they identify the write; deletes by key. */
    private final Map<Long, String> puts = new HashMap<>();
    private final Map<String, Set<Long>> deletes = new HashMap<>();
    private final AtomicLong highestRevision = new AtomicLong();

    @Test
    void aCacheCutThreeTimesAndCompactedWhileCutEndsEqualToTheStoreAndItsEventsReplayExactly() throws Exception {
        long seed = Long.getLong("baton.seed", new Random().nextLong());
        LOG.info("seed {}", seed);
        Random random = new Random(seed);
        URI target = URI.create(ETCD.endpoint());
        RecordingCacheListener<String> listener = new RecordingCacheListener<>();
        try (TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
             Etcd writer = Etcd.builder().endpoints(ETCD.endpoint()).requestTimeout(WRITE_TIMEOUT).build();
             Etcd viaProxy = Etcd.builder().endpoints(proxy.endpoint()).build()) {
            Queue<CompletableFuture<?>> inFlight = new ArrayDeque<>();
            for (int i = 0; i < KEYS / 3; i++) {
                write(writer, inFlight, PREFIX + "k" + random.nextInt(KEYS), "v-initial-" + i);
            }
            drain(inFlight);
            try (KeyspaceCache<String> cache = KeyspaceCache.builder(viaProxy, PREFIX, KeyspaceCacheTest.STRICT_UTF8)
                    .listener(listener).start()) {
                long compactedAt = 0;
                for (int i = 0; i < OPERATIONS; i++) {
                    switch (i) {
                        case 2_000, 5_000, 8_500 -> proxy.cut();
                        case 3_000, 6_500, 9_500 -> {
                            proxy.heal();
                            awaitResumed(cache, inFlight);
                        }
                        case 6_000 -> {
                            compactedAt = drain(inFlight);
                            writer.compact(compactedAt).get(30, TimeUnit.SECONDS);
                        }
                        default -> { }
                    }
                    String key = PREFIX + "k" + random.nextInt(KEYS);
                    int dice = random.nextInt(100);
                    if (dice < 20) {
                        delete(writer, inFlight, key);
                    } else if (dice < 22) {
                        write(writer, inFlight, key, "bad-" + i);
                    } else if (dice < 40) {
                        write(writer, inFlight, key, "v-" + random.nextInt(3));
                    } else {
                        write(writer, inFlight, key, "v-" + i);
                    }
                }
                long lastWrite = drain(inFlight);
                String context = "seed " + seed;

                assertThat(cache.awaitRevision(lastWrite, Duration.ofSeconds(60))).as(context).isTrue();
                CacheSnapshot<String> snapshot = cache.snapshot();
                RangeResult truth = writer.range(KeyRange.prefix(PREFIX), snapshot.revision()).get(30, TimeUnit.SECONDS);
                Map<String, CacheEntry<String>> expected = new LinkedHashMap<>();
                Set<String> undecodable = new HashSet<>();
                for (KeyValue kv : truth.kvs()) {
                    if (kv.valueUtf8().startsWith("bad")) {
                        undecodable.add(kv.key());
                    } else {
                        expected.put(kv.key(), new CacheEntry<>(kv.key(), kv.valueUtf8(), kv.createRevision(),
                                kv.modRevision(), kv.version(), kv.lease()));
                    }
                }
                assertThat(snapshot.stream().toList()).as(context).containsExactlyElementsOf(expected.values());
                assertThat(snapshot.decodeErrors().keySet()).as(context).isEqualTo(undecodable);
                assertThat(cache.lastLoad().revision()).as(context).isGreaterThanOrEqualTo(compactedAt);

                await().atMost(Duration.ofSeconds(30)).until(() -> cache.pendingEvents() == 0);
                Map<String, String> expectedValues = new LinkedHashMap<>();
                expected.values().forEach(entry -> expectedValues.put(entry.key(), entry.value()));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(listener.replay()).as(context).isEqualTo(expectedValues));
                assertThat(listener.markers()).as(context + ": initial load and one resync").isEqualTo(2);
                assertEveryEventIsAWrite(listener, context);
                LOG.info("{} writes, {} events delivered, cache at revision {}", OPERATIONS, listener.events.size(),
                        snapshot.revision());
            }
        }
    }

    /**
     * Every value the listener heard of was put by the writer at that revision, and every removal
     * follows a delete of that key made after the key's previous event (a removal found by a read
     * carries the read's revision, at or after the delete).
     */
    private void assertEveryEventIsAWrite(RecordingCacheListener<String> listener, String context) {
        Map<String, Long> previous = new HashMap<>();
        for (CacheEvent<String> event : listener.events) {
            switch (event.kind()) {
                case ADDED, CHANGED -> assertThat(puts.get(event.modRevision())).as(context + " " + event)
                        .isEqualTo(event.key() + "=" + event.newValue());
                case DECODE_FAILED -> assertThat(puts.get(event.modRevision())).as(context + " " + event)
                        .startsWith(event.key() + "=bad-");
                case REMOVED -> {
                    long after = previous.getOrDefault(event.key(), 0L);
                    assertThat(deletes.getOrDefault(event.key(), Set.of()))
                            .as(context + " a delete after " + after + " for " + event)
                            .anyMatch(revision -> revision > after && revision <= event.modRevision());
                }
                default -> { }
            }
            if (event.key() != null) {
                previous.put(event.key(), event.modRevision());
            }
        }
    }

    /** Lets the cache's watch reconnect and catch up, so the writes that follow reach it live. */
    private void awaitResumed(KeyspaceCache<String> cache, Queue<CompletableFuture<?>> inFlight) throws Exception {
        long written = drain(inFlight);
        await().atMost(Duration.ofSeconds(30)).until(() -> cache.isSynced() && cache.revision() >= written);
    }

    private void write(Etcd writer, Queue<CompletableFuture<?>> inFlight, String key, String value) throws Exception {
        throttle(inFlight);
        inFlight.add(writer.put(key, value.getBytes(StandardCharsets.UTF_8), 0).thenApply(revision -> {
            synchronized (puts) {
                puts.put(revision, key + "=" + value);
            }
            highestRevision.accumulateAndGet(revision, Math::max);
            return revision;
        }));
    }

    private void delete(Etcd writer, Queue<CompletableFuture<?>> inFlight, String key) throws Exception {
        throttle(inFlight);
        inFlight.add(writer.delete(KeyRange.key(key)).thenApply(revision -> {
            synchronized (puts) {
                deletes.computeIfAbsent(key, k -> new HashSet<>()).add(revision);
            }
            highestRevision.accumulateAndGet(revision, Math::max);
            return revision;
        }));
    }

    private static void throttle(Queue<CompletableFuture<?>> inFlight) throws Exception {
        while (inFlight.size() >= IN_FLIGHT) {
            inFlight.remove().get(30, TimeUnit.SECONDS);
        }
    }

    /** Waits for every write in flight; yields the highest revision any put or delete answered so far. */
    private long drain(Queue<CompletableFuture<?>> inFlight) throws Exception {
        while (!inFlight.isEmpty()) {
            inFlight.remove().get(30, TimeUnit.SECONDS);
        }
        return highestRevision.get();
    }
}
