package dev.baton.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.baton.server.store.StoreState;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub without a network: a store written by the test acting as the writer, streams that
 * record what they are given and refuse events when told their buffer is full.
 */
class WatchHubTest {
    private StoreState store;
    private WatchHub hub;
    private final AtomicInteger syncRequests = new AtomicInteger();

    /** A stream whose buffer holds {@code capacity} event responses until {@link #drain()}. */
    private static final class RecordingSink implements WatchSink {
        final List<WatchResponse> sent = new ArrayList<>();
        int capacity = Integer.MAX_VALUE;
        int buffered;

        @Override
        public boolean offer(WatchResponse response) {
            if (buffered >= capacity) {
                return false;
            }
            buffered++;
            sent.add(response);
            return true;
        }

        @Override
        public void send(WatchResponse response) {
            sent.add(response);
        }

        void drain() {
            buffered = 0;
        }

        List<String> events(long watchId) {
            List<String> events = new ArrayList<>();
            for (WatchResponse r : sent) {
                if (r.getWatchId() == watchId) {
                    for (Event e : r.getEventsList()) {
                        events.add(e.getType() + " " + e.getKv().getKey().toStringUtf8() + "@"
                                + e.getKv().getModRevision());
                    }
                }
            }
            return events;
        }
    }

    @BeforeEach
    void freshStore() {
        store = new StoreState(System::nanoTime, () -> 1);
        hub = new WatchHub(store.kv(), store.publishedRevision(),
                revision -> ResponseHeader.newBuilder().setRevision(revision).build(), syncRequests::incrementAndGet);
    }

    /** What the server's writer does: apply, publish, hand the changes to the hub. */
    private void put(String key) {
        store.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v"))
                .build());
        publish();
    }

    private void publish() {
        List<dev.baton.server.store.KeyRevision> changes = new ArrayList<>();
        for (var effect : store.takeEffects()) {
            if (effect instanceof dev.baton.server.store.Effect.KeyChanged changed) {
                changes.add(changed.change());
            }
        }
        store.publish();
        hub.publish(changes, store.publishedRevision());
    }

    private static WatchCreateRequest.Builder prefix(String prefix) {
        return WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(prefix))
                .setRangeEnd(ByteString.copyFromUtf8(prefix.substring(0, prefix.length() - 1) + "0"));
    }

    @Test
    void aSyncedWatcherGetsEachPublishedRevision() {
        RecordingSink sink = new RecordingSink();
        hub.openStream(sink).create(prefix("a/").build());
        put("a/1");
        put("b/1");
        put("a/2");
        assertThat(sink.sent.get(0).getCreated()).isTrue();
        assertThat(sink.events(0)).containsExactly("PUT a/1@2", "PUT a/2@4");
        assertThat(syncRequests).hasValue(0);
    }

    @Test
    void aWatcherFromThePastCatchesUpThenFollowsLive() {
        put("a/1");
        put("a/2");
        RecordingSink sink = new RecordingSink();
        hub.openStream(sink).create(prefix("a/").setStartRevision(2).build());
        put("a/3");
        assertThat(sink.events(0)).isEmpty();
        hub.catchUp();
        put("a/4");
        assertThat(sink.events(0)).containsExactly("PUT a/1@2", "PUT a/2@3", "PUT a/3@4", "PUT a/4@5");
    }

    @Test
    void aWatcherBehindTheCompactionIsToldAndCancelled() {
        put("a/1");
        put("a/2");
        store.compact(CompactionRequest.newBuilder().setRevision(3).build());
        publish();
        RecordingSink sink = new RecordingSink();
        hub.openStream(sink).create(prefix("a/").setStartRevision(2).build());
        hub.catchUp();
        WatchResponse last = sink.sent.get(sink.sent.size() - 1);
        assertThat(last.getCompactRevision()).isEqualTo(3);
        assertThat(last.getCanceled()).isTrue();
        put("a/3");
        assertThat(sink.events(0)).isEmpty();
        assertThat(hub.watcherCount()).isZero();
    }

    @Test
    void aWatcherWhoseBufferIsFullFallsBehindAndCatchesUpWithoutGapsOrRepeats() {
        RecordingSink sink = new RecordingSink();
        hub.openStream(sink).create(prefix("a/").build());
        sink.capacity = 2;
        for (int i = 0; i < 6; i++) {
            put("a/" + i);
        }
        assertThat(sink.events(0)).hasSize(2);
        assertThat(syncRequests.get()).isPositive();
        sink.drain();
        sink.capacity = Integer.MAX_VALUE;
        hub.catchUp();
        put("a/6");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= 6; i++) {
            expected.add("PUT a/" + i + "@" + (i + 2));
        }
        assertThat(sink.events(0)).containsExactlyElementsOf(expected);
    }

    @Test
    void watchIdsFollowEtcdsRules() {
        RecordingSink sink = new RecordingSink();
        WatchStream stream = hub.openStream(sink);
        stream.create(prefix("a/").build());
        stream.create(withWatchId(prefix("a/"), 7));
        stream.create(withWatchId(prefix("a/"), 7));
        stream.create(prefix("a/").build());
        stream.create(WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8("b"))
                .setRangeEnd(ByteString.copyFromUtf8("a")).build());
        assertThat(sink.sent).extracting(WatchResponse::getWatchId).containsExactly(0L, 7L, -1L, 1L, -1L);
        assertThat(sink.sent.get(2).getCancelReason()).isEqualTo("mvcc: duplicate watch ID provided on the WatchStream");
        assertThat(sink.sent.get(4).getCancelReason()).isEqualTo("mvcc: watcher range is empty");
        stream.cancel(7);
        stream.cancel(99);
        assertThat(sink.sent).hasSize(6);
        assertThat(sink.sent.get(5).getCanceled()).isTrue();
    }

    private static WatchCreateRequest withWatchId(WatchCreateRequest.Builder create, long id) {
        return create.setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(id).build()).build()).build();
    }

    @Test
    void aProgressRequestWaitsForTheStreamsWatchersToCatchUp() {
        put("a/1");
        RecordingSink sink = new RecordingSink();
        WatchStream stream = hub.openStream(sink);
        stream.create(prefix("a/").setStartRevision(1).build());
        stream.requestProgress();
        assertThat(sink.sent).noneMatch(r -> r.getWatchId() == -1);
        hub.catchUp();
        WatchResponse progress = sink.sent.get(sink.sent.size() - 1);
        assertThat(progress.getWatchId()).isEqualTo(-1);
        assertThat(progress.getHeader().getRevision()).isEqualTo(2);
        assertThat(sink.events(0)).containsExactly("PUT a/1@2");
    }

    @Test
    void progressNotificationsGoToQuietWatchersThatAskedForThem() {
        RecordingSink sink = new RecordingSink();
        WatchStream stream = hub.openStream(sink);
        stream.create(prefix("a/").setProgressNotify(true).build());
        stream.create(prefix("b/").build());
        put("a/1");
        hub.progressTick();
        hub.progressTick();
        assertThat(sink.sent).filteredOn(r -> r.getEventsCount() == 0 && !r.getCreated())
                .extracting(WatchResponse::getWatchId).containsExactly(0L);
    }
}
