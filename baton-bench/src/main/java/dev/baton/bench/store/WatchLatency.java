package dev.baton.bench.store;

import com.google.protobuf.ByteString;
import dev.baton.bench.Percentiles;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Watch delivery latency: from the moment a client sends a put to the moment a watcher on
 * another connection receives its event. Puts are sent one at a time, each after the previous
 * event arrived, so no event waits behind another.
 */
final class WatchLatency {
    /** Every event's latency in milliseconds, and their nearest-rank percentiles. */
    record Result(double[] millis) {
        double p50Millis() {
            return Percentiles.median(millis);
        }

        double p99Millis() {
            return Percentiles.of(millis, 0.99);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms", p50Millis(), p99Millis());
        }
    }

    private static final int WARMUP_EVENTS = 100;

    private WatchLatency() {
    }

    static Result measure(String endpoint, int events) throws InterruptedException {
        int total = WARMUP_EVENTS + events;
        AtomicLongArray received = new AtomicLongArray(total);
        CountDownLatch created = new CountDownLatch(1);
        ManagedChannel watchChannel = Clients.channel(endpoint);
        ManagedChannel writeChannel = Clients.channel(endpoint);
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(watchChannel).watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                long now = System.nanoTime();
                if (response.getCreated()) {
                    created.countDown();
                }
                for (Event e : response.getEventsList()) {
                    received.set(Integer.parseInt(e.getKv().getValue().toStringUtf8()), now);
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8("bench/watch/")).setRangeEnd(ByteString.copyFromUtf8("bench/watch0")))
                .build());
        if (!created.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the watch was not created within 30 s");
        }
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(writeChannel);
        double[] latencies = new double[events];
        for (int i = 0; i < total; i++) {
            long sent = System.nanoTime();
            kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("bench/watch/key"))
                    .setValue(ByteString.copyFromUtf8(Integer.toString(i))).build());
            long deadline = sent + TimeUnit.SECONDS.toNanos(30);
            while (received.get(i) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("event " + i + " was not delivered within 30 s");
                }
                LockSupport.parkNanos(10_000);
            }
            if (i >= WARMUP_EVENTS) {
                latencies[i - WARMUP_EVENTS] = (received.get(i) - sent) / 1e6;
            }
        }
        requests.onCompleted();
        watchChannel.shutdownNow();
        writeChannel.shutdownNow();
        return new Result(latencies);
    }
}
