package dev.baton.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeyspaceCacheTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** Values starting with "bad" are refused, like corrupt JSON would be. */
    static final ValueDecoder<String> STRICT_UTF8 = (key, value) -> {
        String text = new String(value, StandardCharsets.UTF_8);
        if (text.startsWith("bad")) {
            throw new IllegalArgumentException("refused value '" + text + "'");
        }
        return text;
    };

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private Etcd direct;
    private String prefix;

    @BeforeEach
    void connect() {
        direct = Etcd.builder().endpoints(ETCD.endpoint()).build();
        prefix = "cache" + PREFIXES.incrementAndGet() + "/";
    }

    @AfterEach
    void disconnect() {
        direct.close();
    }

    private static TcpProxy proxy() {
        URI target = URI.create(ETCD.endpoint());
        return TcpProxy.start(target.getHost(), target.getPort());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private long put(String key, String value) throws Exception {
        return direct.put(key, utf8(value), 0).get();
    }

    private static Map<String, String> values(CacheSnapshot<String> snapshot) {
        Map<String, String> out = new LinkedHashMap<>();
        snapshot.forEach(entry -> out.put(entry.key(), entry.value()));
        return out;
    }

    @Test
    void loadsThePrefixWithMetadataThenFollowsEveryChangeOnCallbackThreads() throws Exception {
        long lease = direct.grantLease(Duration.ofSeconds(60)).get().id();
        direct.put(prefix + "b", utf8("b1"), lease).get();
        long aCreated = put(prefix + "a", "a1");
        long aModified = put(prefix + "a", "a2");
        put("outside/" + prefix, "x");
        RecordingCacheListener<String> listener = new RecordingCacheListener<>();
        try (KeyspaceCache<String> cache = KeyspaceCache.builder(direct, prefix, STRICT_UTF8).listener(listener).start()) {
            assertThat(cache.isSynced()).isTrue();
            assertThat(cache.get(prefix + "a")).contains(new CacheEntry<>(prefix + "a", "a2", aCreated, aModified, 2, 0));
            assertThat(cache.get(prefix + "b").orElseThrow().lease()).isEqualTo(lease);
            assertThat(cache.get(prefix + "c")).isEmpty();
            assertThatThrownBy(() -> cache.get("outside/x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("outside/x");

            long c = put(prefix + "c", "c1");
            direct.delete(KeyRange.key(prefix + "b")).get();
            long changed = put(prefix + "a", "a3");
            assertThat(cache.awaitRevision(changed, Duration.ofSeconds(10))).isTrue();

            assertThat(values(cache.snapshot())).containsExactly(Map.entry(prefix + "a", "a3"), Map.entry(prefix + "c", "c1"));
            assertThat(cache.get(prefix + "c").orElseThrow().createRevision()).isEqualTo(c);
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.events.size() == 6);
            assertThat(listener.described()).containsExactly("ADDED " + prefix + "b", "ADDED " + prefix + "a",
                    "RESYNCED", "ADDED " + prefix + "c", "REMOVED " + prefix + "b", "CHANGED " + prefix + "a");
            assertThat(listener.events.get(5)).isEqualTo(new CacheEvent<>(CacheEvent.Kind.CHANGED, prefix + "a", "a2",
                    "a3", changed, null));
            assertThat(listener.replay()).isEqualTo(values(cache.snapshot()));
            assertThat(listener.threads).allMatch(name -> name.startsWith("baton-callback-"));
        }
    }

    @Test
    void awaitRevisionAfterOwnWriteReturnsTheWrittenValue() throws Exception {
        try (KeyspaceCache<String> cache = KeyspaceCache.builder(direct, prefix, STRICT_UTF8).start()) {
            for (int i = 0; i < 20; i++) {
                long written = put(prefix + "mine", "v" + i);
                assertThat(cache.awaitRevision(written, Duration.ofSeconds(10))).isTrue();
                assertThat(cache.get(prefix + "mine").orElseThrow().value()).isEqualTo("v" + i);
                assertThat(cache.revision()).isGreaterThanOrEqualTo(written);
            }
        }
    }

    @Test
    void awaitRevisionCompletesWhenOnlyKeysOutsideThePrefixChanged() throws Exception {
        try (KeyspaceCache<String> cache = KeyspaceCache.builder(direct, prefix, STRICT_UTF8).start()) {
            long elsewhere = put("elsewhere/" + prefix, "x");

            assertThat(cache.awaitRevision(elsewhere, Duration.ofSeconds(10))).isTrue();
            assertThat(cache.whenApplied(elsewhere).get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(elsewhere);
            assertThat(cache.snapshot().revision()).isGreaterThanOrEqualTo(elsewhere);
        }
    }

    @Test
    void aDecodeErrorOnOneKeyLeavesEveryOtherKeyServed() throws Exception {
        for (int i = 0; i < 50; i++) {
            put(prefix + "k" + i, i == 17 ? "bad-at-load" : "v" + i);
        }
        RecordingCacheListener<String> listener = new RecordingCacheListener<>();
        try (KeyspaceCache<String> cache = KeyspaceCache.builder(direct, prefix, STRICT_UTF8).listener(listener).start()) {
            assertThat(cache.snapshot().size()).isEqualTo(49);
            assertThat(cache.get(prefix + "k17")).isEmpty();
            assertThat(cache.get(prefix + "k18").orElseThrow().value()).isEqualTo("v18");
            assertThat(cache.decodeErrors()).containsOnlyKeys(prefix + "k17");
            assertThat(cache.decodeErrors().get(prefix + "k17").message()).contains(prefix + "k17", "bad-at-load");

            long broken = put(prefix + "k3", "bad-live");
            long updated = put(prefix + "k4", "v4-new");
            cache.awaitRevision(updated, Duration.ofSeconds(10));
            assertThat(cache.get(prefix + "k3")).isEmpty();
            assertThat(cache.get(prefix + "k4").orElseThrow().value()).isEqualTo("v4-new");
            assertThat(cache.decodeErrors()).containsOnlyKeys(prefix + "k3", prefix + "k17");
            assertThat(cache.isSynced()).isTrue();

            long repaired = put(prefix + "k17", "v17");
            cache.awaitRevision(repaired, Duration.ofSeconds(10));
            assertThat(cache.decodeErrors()).containsOnlyKeys(prefix + "k3");
            assertThat(cache.get(prefix + "k17").orElseThrow().value()).isEqualTo("v17");

            await().atMost(Duration.ofSeconds(10)).until(() -> listener.events.stream()
                    .anyMatch(e -> e.modRevision() == repaired));
            CacheEvent<String> failure = listener.events.stream()
                    .filter(e -> e.kind() == CacheEvent.Kind.DECODE_FAILED && e.modRevision() == broken).findFirst().orElseThrow();
            assertThat(failure.oldValue()).isEqualTo("v3");
            assertThat(failure.decodeError().cause()).hasMessageContaining("bad-live");
            assertThat(listener.replay()).isEqualTo(values(cache.snapshot()));
        }
    }

    @Test
    void aSameValueRewriteIsReportedOnceAsChangedAtItsNewRevision() throws Exception {
        put(prefix + "a", "same");
        RecordingCacheListener<String> listener = new RecordingCacheListener<>();
        try (KeyspaceCache<String> cache = KeyspaceCache.builder(direct, prefix, STRICT_UTF8).listener(listener).start()) {
            long rewritten = put(prefix + "a", "same");
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.events.size() == 3);
            assertThat(listener.events.get(2)).isEqualTo(new CacheEvent<>(CacheEvent.Kind.CHANGED, prefix + "a", "same",
                    "same", rewritten, null));
            assertThat(cache.get(prefix + "a").orElseThrow().version()).isEqualTo(2);
        }
    }

    @Test
    void aResyncReportsOnlyTheRealDifferencesThenTheMarker() throws Exception {
        put(prefix + "kept", "1");
        put(prefix + "changed", "1");
        put(prefix + "rewritten", "1");
        put(prefix + "removed", "1");
        RecordingCacheListener<String> listener = new RecordingCacheListener<>();
        try (TcpProxy proxy = proxy();
             Etcd viaProxy = Etcd.builder().endpoints(proxy.endpoint()).build();
             KeyspaceCache<String> cache = KeyspaceCache.builder(viaProxy, prefix, STRICT_UTF8).listener(listener).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.markers() == 1);
            int before = listener.events.size();

            proxy.cut();
            put(prefix + "changed", "2");
            put(prefix + "rewritten", "1");
            direct.delete(KeyRange.key(prefix + "removed")).get();
            long last = put(prefix + "added", "1");
            direct.compact(last).get();
            proxy.heal();

            await().atMost(Duration.ofSeconds(30)).until(() -> listener.markers() == 2);
            assertThat(listener.described().subList(before, listener.events.size())).containsExactly(
                    "CHANGED " + prefix + "changed", "CHANGED " + prefix + "rewritten", "ADDED " + prefix + "added",
                    "REMOVED " + prefix + "removed", "RESYNCED");
            assertThat(cache.isSynced()).isTrue();
            assertThat(cache.revision()).isGreaterThanOrEqualTo(last);
            assertThat(cache.lastLoad().differences()).isEqualTo(4);
            assertThat(listener.replay()).isEqualTo(values(cache.snapshot()));
        }
    }

    @Test
    void aResyncThatFindsNothingNewReportsOnlyTheMarker() throws Exception {
        put(prefix + "a", "1");
        put(prefix + "b", "bad");
        RecordingCacheListener<String> listener = new RecordingCacheListener<>();
        try (TcpProxy proxy = proxy();
             Etcd viaProxy = Etcd.builder().endpoints(proxy.endpoint()).build();
             KeyspaceCache<String> cache = KeyspaceCache.builder(viaProxy, prefix, STRICT_UTF8).listener(listener).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.markers() == 1);
            int before = listener.events.size();

            proxy.cut();
            put("elsewhere/" + prefix, "x");
            long elsewhere = put("elsewhere/" + prefix, "y");
            direct.compact(elsewhere).get();
            proxy.heal();

            await().atMost(Duration.ofSeconds(30)).until(() -> listener.markers() == 2);
            assertThat(listener.events.subList(before, listener.events.size()))
                    .containsExactly(CacheEvent.resynced(cache.lastLoad().revision()));
            assertThat(cache.revision()).isGreaterThanOrEqualTo(elsewhere);
            assertThat(cache.decodeErrors()).containsOnlyKeys(prefix + "b");
        }
    }

    @Test
    void aBlockedListenerNeitherStallsTheCacheNorQueuesMoreThanOneEventPerKey() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingCacheListener<String> recorder = new RecordingCacheListener<>();
        CacheListener<String> blocking = event -> {
            recorder.onEvent(event);
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (KeyspaceCache<String> cache = KeyspaceCache.builder(direct, prefix, STRICT_UTF8).listener(blocking).start()) {
            List<CompletableFuture<Long>> writes = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                String key = prefix + "k" + (i % 50);
                writes.add(i % 7 == 6 ? direct.delete(KeyRange.key(key)) : direct.put(key, utf8("v" + i), 0));
                if (writes.size() % 200 == 0) {
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                    assertThat(cache.pendingEvents()).isLessThanOrEqualTo(51);
                }
            }
            long last = CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                    .thenApply(done -> writes.stream().mapToLong(CompletableFuture::join).max().orElseThrow())
                    .get(30, TimeUnit.SECONDS);

            assertThat(cache.awaitRevision(last, Duration.ofSeconds(20))).isTrue();
            assertThat(recorder.events).hasSize(1);
            assertThat(cache.pendingEvents()).isBetween(1, 51);

            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> cache.pendingEvents() == 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.replay().equals(values(cache.snapshot())));
            assertThat(recorder.events.size()).isLessThan(200);
        }
    }

    @Test
    void aListenerAddedLaterFirstReceivesTheCurrentView() throws Exception {
        put(prefix + "a", "1");
        try (KeyspaceCache<String> cache = KeyspaceCache.builder(direct, prefix, STRICT_UTF8).start()) {
            long b = put(prefix + "b", "1");
            cache.awaitRevision(b, Duration.ofSeconds(10));
            RecordingCacheListener<String> late = new RecordingCacheListener<>();
            cache.addListener(late);
            long c = put(prefix + "c", "1");

            await().atMost(Duration.ofSeconds(10)).until(() -> late.events.stream().anyMatch(e -> e.modRevision() == c));
            assertThat(late.described()).containsExactly("ADDED " + prefix + "a", "ADDED " + prefix + "b", "RESYNCED",
                    "ADDED " + prefix + "c");

            cache.removeListener(late);
            put(prefix + "d", "1");
            long e = put(prefix + "e", "1");
            cache.awaitRevision(e, Duration.ofSeconds(10));
            assertThat(late.events).hasSize(4);
        }
    }

    @Test
    void closeIsIdempotentAndFailsWaits() throws Exception {
        KeyspaceCache<String> cache = KeyspaceCache.builder(direct, prefix, STRICT_UTF8).start();
        CompletableFuture<Long> far = cache.whenApplied(Long.MAX_VALUE);
        cache.close();
        cache.close();

        assertThat(cache.state()).isEqualTo(CacheState.CLOSED);
        assertThat(far).failsWithin(Duration.ofSeconds(5));
        assertThatThrownBy(() -> cache.awaitRevision(1, Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cache.addListener(event -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startGivesUpWithAClearErrorWhenEtcdCannotBeReached() {
        try (TcpProxy proxy = proxy(); Etcd viaProxy = Etcd.builder().endpoints(proxy.endpoint())
                .requestTimeout(Duration.ofSeconds(1)).build()) {
            proxy.cut();
            assertThatThrownBy(() -> KeyspaceCache.builder(viaProxy, prefix, STRICT_UTF8)
                    .startTimeout(Duration.ofSeconds(2)).start())
                    .isInstanceOf(CacheStartException.class)
                    .hasMessageContaining(prefix);
        }
    }

    @Test
    void prefixesMustEndInASlash() {
        assertThatThrownBy(() -> KeyspaceCache.builder(direct, "tasks", STRICT_UTF8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'tasks'");
        assertThatThrownBy(() -> KeyspaceCache.builder(direct, "", STRICT_UTF8))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
