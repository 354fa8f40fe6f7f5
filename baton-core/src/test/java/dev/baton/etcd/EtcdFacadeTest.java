package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdFacadeTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    static Etcd etcd;

    @BeforeAll
    static void connect() {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
    }

    @AfterAll
    static void disconnect() {
        etcd.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLargePrefixIsReadInPagesAtOneRevision() throws Exception {
        List<CompletableFuture<Long>> writes = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            writes.add(etcd.put(String.format("paged/%05d", i), utf8("v" + i), 0));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        try (Etcd paged = Etcd.builder().endpoints(ETCD.endpoint()).pageSize(1000).build()) {
            long before = paged.range(KeyRange.prefix("paged/")).get().revision();
            paged.put("paged/99999", utf8("late"), 0).get();

            RangeResult atBefore = paged.range(KeyRange.prefix("paged/"), before).get();

            assertThat(atBefore.revision()).isEqualTo(before);
            assertThat(atBefore.kvs()).hasSize(2500);
            assertThat(atBefore.kvs()).extracting(KeyValue::key).isSorted().doesNotHaveDuplicates();
            assertThat(paged.range(KeyRange.prefix("paged/")).get().kvs()).hasSize(2501);
        }
    }

    @Test
    void aPageLargerThanTheResponseLimitIsReadAgainInHalves() throws Exception {
        byte[] fourKiB = new byte[4096];
        for (int i = 0; i < 64; i++) {
            etcd.put(String.format("big/%03d", i), fourKiB, 0).get();
        }
        try (Etcd small = Etcd.builder().endpoints(ETCD.endpoint()).pageSize(64).maxResponseBytes(64 * 1024).build()) {
            RangeResult all = small.range(KeyRange.prefix("big/")).get(10, TimeUnit.SECONDS);

            assertThat(all.kvs()).hasSize(64);
            assertThat(all.kvs()).extracting(KeyValue::key).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aGuardedTxnRunsOnlyWhileTheGuardHolds() throws Exception {
        long created = etcd.put("owner/x", utf8("me"), 0).get();

        TxnResult fenced = etcd.txn(List.of(Compares.createRevisionIs("owner/x", created)),
                List.of(Operations.put("owner/x/state", utf8("ok"), 0)), List.of()).get();
        etcd.delete(KeyRange.key("owner/x")).get();
        etcd.put("owner/x", utf8("someone else"), 0).get();
        TxnResult stale = etcd.txn(List.of(Compares.createRevisionIs("owner/x", created)),
                List.of(Operations.put("owner/x/state", utf8("stale"), 0)), List.of(Operations.get("owner/x"))).get();

        assertThat(fenced.succeeded()).isTrue();
        assertThat(stale.succeeded()).isFalse();
        assertThat(stale.gets().get(0).get(0).valueUtf8()).isEqualTo("someone else");
        assertThat(etcd.get("owner/x/state").get().orElseThrow().valueUtf8()).isEqualTo("ok");
    }

    @Test
    void textIsStoredAsItsUtf8Bytes() throws Exception {
        etcd.put("text/direct", "grüße ✓", 0).get();
        etcd.txn(List.of(), List.of(Operations.put("text/in-txn", "grüße ✓", 0)), List.of()).get();

        assertThat(etcd.get("text/direct").get().orElseThrow().value()).isEqualTo(utf8("grüße ✓"));
        assertThat(etcd.get("text/in-txn").get().orElseThrow().value()).isEqualTo(utf8("grüße ✓"));
    }

    @Test
    void futuresCompleteOnBatonCallbackThreads() throws Exception {
        URI target = URI.create(ETCD.endpoint());
        try (TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
             Etcd viaProxy = Etcd.builder().endpoints(proxy.endpoint()).build()) {
            viaProxy.get("warm-up").get();
            proxy.freeze();
            CompletableFuture<String> thread = viaProxy.get("anything").thenApply(kv -> Thread.currentThread().getName());
            assertThat(thread).isNotDone();
            proxy.heal();
            assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("baton-callback-");
        }
    }

    @Test
    void aRevokedLeaseTakesItsKeysAndReportsNotFound() throws Exception {
        LeaseGrant grant = etcd.grantLease(Duration.ofSeconds(30)).get();
        etcd.put("leased/a", utf8("1"), grant.id()).get();
        etcd.put("leased/b", utf8("2"), grant.id()).get();

        etcd.revokeLease(grant.id()).get();

        assertThat(etcd.range(KeyRange.prefix("leased/")).get().kvs()).isEmpty();
        assertThat(etcd.leaseTimeToLive(grant.id()).get()).isEqualTo(-1);
        assertThatThrownBy(() -> etcd.keepAliveOnce(grant.id()).get()).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("lease not found");
    }

    @Test
    void anUnreachableEndpointFailsWithinTheRequestTimeout() {
        try (Etcd dead = Etcd.builder().endpoints("127.0.0.1:1").requestTimeout(Duration.ofSeconds(1))
                .connectTimeout(Duration.ofSeconds(1)).build()) {
            assertThatThrownBy(() -> dead.put("k", utf8("v"), 0).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void aWatchDeliversInOrderOnTheExecutorItIsGivenAndDropsNewsOnceThatHasShutDown() throws Exception {
        ExecutorService own = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "own-delivery"));
        long from = etcd.put("own/0", utf8("0"), 0).get() + 1;
        RecordingListener listener = new RecordingListener();
        try (Watch watch = etcd.watch(KeyRange.prefix("own/"), from, listener, own)) {
            List<Long> written = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                written.add(etcd.put("own/" + i, utf8(Integer.toString(i)), 0).get());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.events.size() == 20);
            assertThat(listener.revisions()).containsExactlyElementsOf(written);
            assertThat(listener.threads).containsOnly("own-delivery");

            own.shutdown();
            assertThat(own.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            etcd.put("own/after", utf8("x"), 0).get();
            // The watch stays usable for the connection (its news is dropped) and delivers nothing more.
            assertThat(etcd.get("own/after").get()).isPresent();
            assertThat(listener.events).hasSize(20);
        }
    }

    @Test
    void aPutsOnlyWatchLeavesDeletesOut() throws Exception {
        long from = etcd.put("puts/a", utf8("1"), 0).get();
        RecordingListener listener = new RecordingListener();
        try (Watch watch = etcd.watchPuts(KeyRange.prefix("puts/"), from, listener)) {
            etcd.delete(KeyRange.key("puts/a")).get();
            long b = etcd.put("puts/b", utf8("2"), 0).get();
            etcd.delete(KeyRange.prefix("puts/")).get();
            long c = etcd.put("puts/c", utf8("3"), 0).get();

            await().atMost(Duration.ofSeconds(30)).until(() -> listener.events.size() >= 3);
            assertThat(listener.revisions()).containsExactly(from, b, c);
            assertThat(listener.events).allSatisfy(event -> assertThat(event.type()).isEqualTo(WatchEvent.Type.PUT));
        }
    }

    @Test
    void watchFromRevisionZeroIsRejected() {
        assertThatThrownBy(() -> etcd.watch(KeyRange.prefix("w/"), 0, new RecordingListener()))
                .hasMessageContaining("got 0");
    }
}
