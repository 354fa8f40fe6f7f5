package dev.baton.server;

import com.google.protobuf.Message;
import dev.baton.server.store.EtcdError;
import dev.baton.server.store.StoreState;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * etcd's KV service. Reads (ranges and read-only txns) are served on the calling thread at the
 * published revision; writes go through the {@link CommitPipeline}.
 */
final class KvService extends KVGrpc.KVImplBase {
    private final StoreState state;
    private final CommitPipeline pipeline;
    private final ResponseHeaders headers;
    private final int maxRequestBytes;

    KvService(StoreState state, CommitPipeline pipeline, ResponseHeaders headers, int maxRequestBytes) {
        this.state = state;
        this.pipeline = pipeline;
        this.headers = headers;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** etcd refuses writes whose encoded request exceeds its {@code --max-request-bytes}. */
    static void checkSize(Message request, int maxRequestBytes) {
        if (request.getSerializedSize() > maxRequestBytes) {
            throw EtcdError.requestTooLarge();
        }
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
        Replies.now(responses, () -> {
            RangeResponse r = state.range(request);
            return r.toBuilder().setHeader(headers.fill(r.getHeader())).build();
        });
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> responses) {
        write(request, responses, s -> s.put(request),
                r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build());
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> responses) {
        write(request, responses, s -> s.deleteRange(request),
                r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build());
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> responses) {
        if (StoreState.isReadOnly(request)) {
            Replies.now(responses, () -> {
                TxnResponse r = state.readOnlyTxn(request);
                return r.toBuilder().setHeader(headers.fill(r.getHeader())).build();
            });
            return;
        }
        write(request, responses, s -> s.txn(request),
                r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build());
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> responses) {
        write(request, responses, s -> s.compact(request),
                r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build());
    }

    private <R> void write(Message request, StreamObserver<R> responses,
            Function<StoreState, R> write, UnaryOperator<R> finish) {
        try {
            checkSize(request, maxRequestBytes);
        } catch (EtcdError e) {
            responses.onError(e.toStatus().asRuntimeException());
            return;
        }
        pipeline.submit(write).whenComplete(Replies.later(responses, finish));
    }
}
