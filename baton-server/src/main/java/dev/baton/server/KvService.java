package dev.baton.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.baton.server.store.EtcdError;
import dev.baton.server.store.KvRequestChecks;
import dev.baton.server.store.QuotaCost;
import dev.baton.server.store.RequestPermissions;
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
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * etcd's KV service. Reads (ranges and read-only txns) are served on the calling thread at the
 * published revision; writes go through the {@link CommitPipeline}.
 */
final class KvService extends KVGrpc.KVImplBase {
    /**
     * Message nesting a txn request may have: two levels (RequestOp, TxnRequest) per nested txn.
     * etcd refuses any txn nested deeper than its operation limit, so this depth is never needed
     * by a request etcd accepts; protobuf's default (100) would cut legal txns short.
     */
    static final int TXN_NESTING_LIMIT = 2 * (KvRequestChecks.MAX_TXN_OPS + 2);
    private final StoreState state;
    private final CommitPipeline pipeline;
    private final ResponseHeaders headers;
    private final int maxRequestBytes;
    private final SpaceQuota quota;
    private final CallerIdentity identity;

    KvService(StoreState state, CommitPipeline pipeline, ResponseHeaders headers, int maxRequestBytes,
            SpaceQuota quota, CallerIdentity identity) {
        this.identity = identity;
        this.state = state;
        this.pipeline = pipeline;
        this.headers = headers;
        this.maxRequestBytes = maxRequestBytes;
        this.quota = quota;
    }

    /**
     * What etcd adds to a write before it measures it: the request becomes a field (tag below 16)
     * of an {@code InternalRaftRequest} whose {@code RequestHeader} (field 100) holds a 64-bit
     * request ID: 2 bytes of tag, 1 of length, 1 of ID tag and up to 10 of ID.
     */
    static final int RAFT_HEADER_BYTES = 14;

    /**
     * etcd refuses writes whose raft entry, the request with the header etcd adds, exceeds its
     * {@code --max-request-bytes}.
     */
    static void checkSize(Message request, int maxRequestBytes) {
        int size = request.getSerializedSize();
        long entry = 1L + CodedOutputStream.computeUInt32SizeNoTag(size) + size + RAFT_HEADER_BYTES;
        if (entry > maxRequestBytes) {
            throw EtcdError.requestTooLarge();
        }
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
        Replies.now(responses, () -> {
            KvRequestChecks.checkRange(request);
            RequestPermissions.range(state.auth(), identity.user(), request);
            RangeResponse r = state.range(request);
            return r.toBuilder().setHeader(headers.fill(r.getHeader())).build();
        });
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> responses) {
        write(request, QuotaCost.of(request), () -> KvRequestChecks.checkPut(request), responses, (s, user) -> {
            if (s.auth().enabled()) {
                RequestPermissions.put(s.auth(), user, request, s.leases());
            }
            return s.put(request);
        }, r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build());
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> responses) {
        write(request, 0, () -> KvRequestChecks.checkDelete(request), responses, (s, user) -> {
            if (s.auth().enabled()) {
                RequestPermissions.delete(s.auth(), user, request);
            }
            return s.deleteRange(request);
        }, r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build());
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> responses) {
        if (StoreState.isReadOnly(request)) {
            Replies.now(responses, () -> {
                KvRequestChecks.checkTxn(request);
                RequestPermissions.txn(state.auth(), identity.user(), request);
                TxnResponse r = state.readOnlyTxn(request);
                return r.toBuilder().setHeader(headers.fill(r.getHeader())).build();
            });
            return;
        }
        write(request, QuotaCost.of(request), () -> KvRequestChecks.checkTxn(request), responses, (s, user) -> {
            if (s.auth().enabled()) {
                RequestPermissions.txn(s.auth(), user, request);
            }
            return s.txn(request);
        }, r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build());
    }

    /**
     * The service with Txn requests parsed here, with a nesting limit above what etcd accepts:
     * gRPC's own parser stops at protobuf's default depth and the transport then answers
     * UNKNOWN "Application error processing RPC", where etcd accepts the txn or, deeper than its
     * operation limit, answers "too many operations in txn request".
     */
    ServerServiceDefinition bindWithDeepTxns() {
        MethodDescriptor<TxnRequest, TxnResponse> generated = KVGrpc.getTxnMethod();
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(KVGrpc.SERVICE_NAME);
        for (ServerMethodDefinition<?, ?> method : bindService().getMethods()) {
            if (!method.getMethodDescriptor().getFullMethodName().equals(generated.getFullMethodName())) {
                service.addMethod(method);
            }
        }
        MethodDescriptor<byte[], TxnResponse> txn = generated.toBuilder(RawBytes.MARSHALLER,
                generated.getResponseMarshaller()).build();
        service.addMethod(txn, ServerCalls.asyncUnaryCall((bytes, responses) -> {
            TxnRequest request;
            try {
                request = parseTxn(bytes);
            } catch (EtcdError e) {
                responses.onError(e.toStatus().asRuntimeException());
                return;
            } catch (InvalidProtocolBufferException e) {
                responses.onError(Status.INVALID_ARGUMENT
                        .withDescription("baton: the txn request is not a valid TxnRequest: " + e.getMessage())
                        .asRuntimeException());
                return;
            }
            txn(request, responses);
        }));
        return service.build();
    }

    static TxnRequest parseTxn(byte[] bytes) throws InvalidProtocolBufferException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(TXN_NESTING_LIMIT);
        try {
            return TxnRequest.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            if (e.getMessage() != null && e.getMessage().contains("too many levels of nesting")) {
                throw EtcdError.tooManyOperations();
            }
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> responses) {
        write(request, 0, () -> { }, responses, (s, user) -> s.compact(request),
                r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build());
    }

    /**
     * Queues a write costing {@code cost} against the space quota, in etcd's order: the quota,
     * the request's own {@code checks}, the caller's token, the request's size, then on the writer,
     * with auth enabled, the caller's permissions against the auth state the write applies to.
     */
    private <R> void write(Message request, long cost, Runnable checks, StreamObserver<R> responses,
            BiFunction<StoreState, String, R> write, UnaryOperator<R> finish) {
        if (quota.refuses(cost, responses)) {
            return;
        }
        String user;
        try {
            checks.run();
            user = identity.user();
            checkSize(request, maxRequestBytes);
        } catch (EtcdError e) {
            responses.onError(e.toStatus().asRuntimeException());
            return;
        }
        pipeline.submit(s -> write.apply(s, user)).whenComplete(Replies.later(responses, finish));
    }
}
