package dev.baton.server.fuzz;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.InputStream;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one request of {@link HostileRequests#request()} through the raw generated stubs, so no
 * client library checks or changes it. A deadline bounds every call: a server that stops
 * answering fails the fuzz run instead of hanging it.
 */
public final class ApiCalls {
    static final long DEADLINE_SECONDS = 20;
    /** Txn answers as deep as the txns etcd accepts, which protobuf's default depth would refuse to read. */
    private static final MethodDescriptor<TxnRequest, TxnResponse> DEEP_TXN = KVGrpc.getTxnMethod().toBuilder(
            KVGrpc.getTxnMethod().getRequestMarshaller(), new DeepTxnResponses()).build();

    private ApiCalls() {
    }

    /**
     * The response to {@code request}.
     *
     * @throws io.grpc.StatusRuntimeException the server's rejection
     */
    public static Message send(Channel channel, Message request) {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(channel)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        if (request instanceof RangeRequest r) {
            return kv.range(r);
        }
        if (request instanceof PutRequest r) {
            return kv.put(r);
        }
        if (request instanceof DeleteRangeRequest r) {
            return kv.deleteRange(r);
        }
        if (request instanceof TxnRequest r) {
            return ClientCalls.blockingUnaryCall(channel, DEEP_TXN,
                    CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS), r);
        }
        if (request instanceof CompactionRequest r) {
            return kv.compact(r);
        }
        if (request instanceof LeaseGrantRequest r) {
            return lease.leaseGrant(r);
        }
        if (request instanceof LeaseRevokeRequest r) {
            return lease.leaseRevoke(r);
        }
        if (request instanceof LeaseTimeToLiveRequest r) {
            return lease.leaseTimeToLive(r);
        }
        if (request instanceof LeaseKeepAliveRequest r) {
            return keepAliveOnce(channel, r);
        }
        if (request instanceof StatusRequest r) {
            return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .status(r);
        }
        throw new IllegalArgumentException("not an API request: " + describe(request));
    }

    /** One keep-alive on its own stream: its answer, or the stream's failure. */
    private static LeaseKeepAliveResponse keepAliveOnce(Channel channel, LeaseKeepAliveRequest request) {
        CompletableFuture<LeaseKeepAliveResponse> answer = new CompletableFuture<>();
        StreamObserver<LeaseKeepAliveRequest> stream = LeaseGrpc.newStub(channel)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .leaseKeepAlive(new StreamObserver<>() {
                    @Override
                    public void onNext(LeaseKeepAliveResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(Status.INTERNAL
                                .withDescription("keep-alive stream ended without an answer").asRuntimeException());
                    }
                });
        stream.onNext(request);
        try {
            return answer.get(DEADLINE_SECONDS + 5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED.withDescription("no keep-alive answer").asRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } finally {
            stream.onCompleted();
        }
    }

    private static final class DeepTxnResponses implements MethodDescriptor.Marshaller<TxnResponse> {
        @Override
        public InputStream stream(TxnResponse value) {
            return value.toByteString().newInput();
        }

        @Override
        public TxnResponse parse(InputStream stream) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(stream);
                in.setRecursionLimit(1000);
                return TxnResponse.parseFrom(in);
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("unreadable txn response: " + e.getMessage()).asRuntimeException();
            }
        }
    }

    /** The request as one line, cut short: huge keys and values would flood a failure report. */
    public static String describe(Message request) {
        String text = request.getClass().getSimpleName() + " " + TextFormat.printer().shortDebugString(request);
        return text.length() <= 600 ? text : text.substring(0, 600) + "... (" + request.getSerializedSize() + " bytes)";
    }
}
