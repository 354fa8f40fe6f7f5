package dev.baton.server;

import dev.baton.server.watch.WatchSink;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outbound half of a gRPC watch stream: a queue drained on an executor while the transport
 * is ready, so neither the writer nor the watch thread ever blocks on a slow client. Event
 * responses count against a bound; when it is reached the hub moves the watcher to its
 * catch-up path instead.
 */
final class WatchStreamSender implements WatchSink {
    private record Item(WatchResponse response, boolean counted) {
    }

    private final ServerCallStreamObserver<WatchResponse> call;
    private final Executor executor;
    private final int limit;
    private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger counted = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean finished;

    WatchStreamSender(ServerCallStreamObserver<WatchResponse> call, Executor executor, int limit) {
        this.call = call;
        this.executor = executor;
        this.limit = limit;
        call.setOnReadyHandler(this::scheduleDrain);
    }

    @Override
    public boolean offer(WatchResponse response) {
        if (counted.incrementAndGet() > limit) {
            counted.decrementAndGet();
            return false;
        }
        queue.add(new Item(response, true));
        scheduleDrain();
        return true;
    }

    @Override
    public void send(WatchResponse response) {
        queue.add(new Item(response, false));
        scheduleDrain();
    }

    /** Ends the stream once everything queued has been sent. */
    void finish() {
        finished = true;
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            if (call.isCancelled()) {
                queue.clear();
                return;
            }
            Item item;
            while (call.isReady() && (item = queue.poll()) != null) {
                call.onNext(item.response());
                if (item.counted()) {
                    counted.decrementAndGet();
                }
            }
            if (finished && queue.isEmpty()) {
                call.onCompleted();
                return;
            }
        } finally {
            draining.set(false);
        }
        if (!queue.isEmpty() && call.isReady()) {
            scheduleDrain();
        }
    }
}
