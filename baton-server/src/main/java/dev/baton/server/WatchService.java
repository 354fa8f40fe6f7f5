package dev.baton.server;

import dev.baton.server.store.EtcdError;
import dev.baton.server.store.KeyRange;
import dev.baton.server.store.StoreState;
import dev.baton.server.watch.WatchHub;
import dev.baton.server.watch.WatchStream;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/** etcd's Watch service: one {@link WatchStream} of the hub per gRPC stream. */
final class WatchService extends WatchGrpc.WatchImplBase {
    /** Event responses a stream may have queued before its watchers fall back to catching up. */
    static final int STREAM_BUFFER = 1024;

    private final WatchHub hub;
    private final Executor sendExecutor;
    private final StoreState state;
    private final CallerIdentity identity;

    WatchService(WatchHub hub, Executor sendExecutor, StoreState state, CallerIdentity identity) {
        this.hub = hub;
        this.sendExecutor = sendExecutor;
        this.state = state;
        this.identity = identity;
    }

    /**
     * Why the caller may not read what {@code request} watches, as etcd words it in the refusal
     * (the gRPC error as Go prints it); null when they may (auth disabled: anyone may).
     */
    private String refusal(WatchCreateRequest request) {
        try {
            state.auth().check(identity.user(), KeyRange.of(request.getKey(), request.getRangeEnd()), false);
            return null;
        } catch (EtcdError e) {
            return "rpc error: code = " + GrpcCallMetrics.goName(e.code()) + " desc = " + e.getMessage();
        }
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) responses;
        WatchStreamSender sender = new WatchStreamSender(call, sendExecutor, STREAM_BUFFER);
        WatchStream stream = hub.openStream(sender);
        call.setOnCancelHandler(stream::close);
        return new StreamObserver<>() {
            @Override
            public void onNext(WatchRequest request) {
                switch (request.getRequestUnionCase()) {
                    case CREATE_REQUEST -> {
                        String refusal = refusal(request.getCreateRequest());
                        if (refusal == null) {
                            stream.create(request.getCreateRequest());
                        } else {
                            stream.refuse(refusal);
                        }
                    }
                    case CANCEL_REQUEST -> stream.cancel(request.getCancelRequest().getWatchId());
                    case PROGRESS_REQUEST -> stream.requestProgress();
                    default -> {
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                stream.close();
            }

            @Override
            public void onCompleted() {
                stream.close();
                sender.finish();
            }
        };
    }
}
