package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** jetcd, unchanged, against an in-memory embedded server: KV, txn, watch and lease round trips. */
class EmbeddedEtcdJetcdTest {
    private static EmbeddedEtcd etcd;
    private static Client client;

    @BeforeAll
    static void start() {
        etcd = EmbeddedEtcd.builder().inMemory().build().start();
        client = Client.builder().endpoints(etcd.endpoint()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        etcd.close();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Test
    void putThenGetReturnsTheValueWithItsRevisions() throws Exception {
        long rev = client.getKVClient().put(bytes("jetcd/a"), bytes("1")).get(5, TimeUnit.SECONDS).getHeader().getRevision();
        GetResponse get = client.getKVClient().get(bytes("jetcd/a")).get(5, TimeUnit.SECONDS);
        KeyValue kv = get.getKvs().get(0);
        assertThat(kv.getValue().toString(StandardCharsets.UTF_8)).isEqualTo("1");
        assertThat(kv.getModRevision()).isEqualTo(rev);
        assertThat(kv.getCreateRevision()).isEqualTo(rev);
        assertThat(get.getHeader().getRevision()).isGreaterThanOrEqualTo(rev);
    }

    @Test
    void aTxnGuardedByCreateRevisionAppliesOnce() throws Exception {
        var kv = client.getKVClient();
        Cmp absent = new Cmp(bytes("jetcd/lock"), Cmp.Op.EQUAL, CmpTarget.createRevision(0));
        var first = kv.txn().If(absent).Then(Op.put(bytes("jetcd/lock"), bytes("me"), PutOption.DEFAULT)).commit()
                .get(5, TimeUnit.SECONDS);
        var second = kv.txn().If(absent).Then(Op.put(bytes("jetcd/lock"), bytes("you"), PutOption.DEFAULT))
                .Else(Op.get(bytes("jetcd/lock"), GetOption.DEFAULT)).commit().get(5, TimeUnit.SECONDS);
        assertThat(first.isSucceeded()).isTrue();
        assertThat(second.isSucceeded()).isFalse();
        assertThat(second.getGetResponses().get(0).getKvs().get(0).getValue().toString(StandardCharsets.UTF_8))
                .isEqualTo("me");
    }

    @Test
    void aWatchSeesLaterPutsAndDeletesInOrder() throws Exception {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        ByteSequence prefix = bytes("jetcd/w/");
        try (Watch.Watcher watcher = client.getWatchClient().watch(prefix,
                WatchOption.builder().isPrefix(true).withPrevKV(true).build(), r -> events.addAll(r.getEvents()))) {
            var kv = client.getKVClient();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                kv.put(bytes("jetcd/w/probe"), bytes("x")).get(5, TimeUnit.SECONDS);
                assertThat(events).isNotEmpty();
            });
            kv.put(bytes("jetcd/w/a"), bytes("1")).get(5, TimeUnit.SECONDS);
            kv.put(bytes("jetcd/w/a"), bytes("2")).get(5, TimeUnit.SECONDS);
            kv.delete(bytes("jetcd/w/a")).get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .anyMatch(e -> e.getEventType() == WatchEvent.EventType.DELETE));
            List<WatchEvent> onA = events.stream()
                    .filter(e -> e.getKeyValue().getKey().equals(bytes("jetcd/w/a"))).toList();
            assertThat(onA).extracting(WatchEvent::getEventType).containsExactly(
                    WatchEvent.EventType.PUT, WatchEvent.EventType.PUT, WatchEvent.EventType.DELETE);
            assertThat(onA.get(2).getPrevKV().getValue().toString(StandardCharsets.UTF_8)).isEqualTo("2");
        }
    }

    @Test
    void keysOfAnExpiredLeaseDisappear() throws Exception {
        long lease = client.getLeaseClient().grant(2).get(5, TimeUnit.SECONDS).getID();
        client.getKVClient().put(bytes("jetcd/ephemeral"), bytes("1"), PutOption.builder().withLeaseId(lease).build())
                .get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                client.getKVClient().get(bytes("jetcd/ephemeral")).get(5, TimeUnit.SECONDS).getKvs().isEmpty());
        assertThat(client.getLeaseClient().timeToLive(lease, io.etcd.jetcd.options.LeaseOption.DEFAULT)
                .get(5, TimeUnit.SECONDS).getTTL()).isEqualTo(-1);
    }
}
