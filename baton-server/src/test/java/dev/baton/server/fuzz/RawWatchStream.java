package dev.baton.server.fuzz;

import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** One raw watch stream and everything it received, for checks after a storm of requests. */
final class RawWatchStream implements AutoCloseable {
    final List<WatchResponse> responses = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final StreamObserver<WatchRequest> requests;

    RawWatchStream(Channel channel) {
        requests = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                failure.set(t);
            }

            @Override
            public void onCompleted() {
                failure.compareAndSet(null, new IllegalStateException("the server ended the watch stream"));
            }
        });
    }

    void send(WatchRequest request) {
        requests.onNext(request);
    }

    long createdCount() {
        return responses.stream().filter(WatchResponse::getCreated).count();
    }

    @Override
    public void close() {
        requests.onCompleted();
    }
}
