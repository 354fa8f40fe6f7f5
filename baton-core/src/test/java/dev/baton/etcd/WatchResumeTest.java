package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WatchResumeTest {
    @RegisterExtension
    final EtcdExtension etcdProcess = new EtcdExtension();

    private TcpProxy proxy() {
        URI target = URI.create(etcdProcess.endpoint());
        return TcpProxy.start(target.getHost(), target.getPort());
    }

    @Test
    void aWatchCutTwiceWhileThousandKeysAreWrittenSeesEveryRevisionOnceInOrder() throws Exception {
        try (TcpProxy proxy = proxy();
             Etcd writer = Etcd.builder().endpoints(etcdProcess.endpoint()).build();
             Etcd reader = Etcd.builder().endpoints(proxy.endpoint()).build()) {
            long start = writer.range(KeyRange.prefix("w/")).get().revision() + 1;
            RecordingListener listener = new RecordingListener();
            List<Long> written = new ArrayList<>();
            Random random = new Random(42);
            try (Watch watch = reader.watch(KeyRange.prefix("w/"), start, listener)) {
                for (int i = 0; i < 1000; i++) {
                    if (i == 300 || i == 700) {
                        proxy.cut();
                    }
                    if (i == 400 || i == 800) {
                        proxy.heal();
                    }
                    String key = "w/" + random.nextInt(50);
                    written.add(random.nextInt(10) == 0
                            ? writer.delete(KeyRange.key(key)).get()
                            : writer.put(key, ("v" + i).getBytes(StandardCharsets.UTF_8), 0).get());
                }
                List<Long> expected = revisionsCreated(written, start);
                await().atMost(Duration.ofSeconds(30)).until(() -> listener.events.size() >= expected.size());

                assertThat(listener.revisions()).containsExactlyElementsOf(expected);
                assertThat(listener.threads).allMatch(name -> name.startsWith("baton-callback-"));
                assertThat(watch.nextRevision()).isEqualTo(expected.get(expected.size() - 1) + 1);
            }
        }
    }

    /**
     * The revisions the single writer created: a delete of an absent key answers with the current
     * revision instead of a new one, so only strictly increasing answers are changes.
     */
    private static List<Long> revisionsCreated(List<Long> answers, long start) {
        List<Long> created = new ArrayList<>();
        long last = start - 1;
        for (long revision : answers) {
            if (revision > last) {
                created.add(revision);
                last = revision;
            }
        }
        return created;
    }

    @Test
    void aCompactionWhileCutIsReportedAsCompaction() throws Exception {
        try (TcpProxy proxy = proxy();
             Etcd writer = Etcd.builder().endpoints(etcdProcess.endpoint()).build();
             Etcd reader = Etcd.builder().endpoints(proxy.endpoint()).build()) {
            long start = writer.put("c/a", "1".getBytes(StandardCharsets.UTF_8), 0).get();
            RecordingListener listener = new RecordingListener();
            try (Watch watch = reader.watch(KeyRange.prefix("c/"), start, listener)) {
                await().until(() -> listener.events.size() == 1);
                proxy.cut();
                writer.put("c/b", "2".getBytes(StandardCharsets.UTF_8), 0).get();
                long last = writer.put("c/c", "3".getBytes(StandardCharsets.UTF_8), 0).get();
                writer.compact(last).get();
                proxy.heal();

                await().atMost(Duration.ofSeconds(20)).until(() -> listener.compactedAt.get() != 0);
                assertThat(listener.compactedAt.get()).isEqualTo(last);
                assertThat(listener.events).hasSize(1);
            }
        }
    }

    @Test
    void progressNotificationsAdvanceTheResumeRevisionAtRest() throws Exception {
        try (Etcd etcd = Etcd.builder().endpoints(etcdProcess.endpoint()).build()) {
            long start = etcd.put("p/a", "1".getBytes(StandardCharsets.UTF_8), 0).get();
            RecordingListener listener = new RecordingListener();
            try (Watch watch = etcd.watch(KeyRange.prefix("p/"), start, listener)) {
                await().until(() -> listener.events.size() == 1);
                long unrelated = etcd.put("other", "x".getBytes(StandardCharsets.UTF_8), 0).get();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    watch.requestProgress();
                    return listener.progress.get() >= unrelated;
                });
                assertThat(watch.nextRevision()).isGreaterThan(unrelated);
            }
        }
    }
}
