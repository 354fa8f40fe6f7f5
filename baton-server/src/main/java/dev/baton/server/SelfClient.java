package dev.baton.server;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A client of the server's own KV, Watch and Lease services over an in-process channel, for the
 * Lock and Election services, which etcd builds the same way: on its own client API. Every call
 * is asynchronous; continuations run on the given executor, never on the writer thread. Calls
 * are made outside the gRPC context of the call being served, so the clean-up after a client
 * cancels (deleting its key) is not cancelled with it; callers stop waits with a
 * {@link Cancellation} instead.
 */
final class SelfClient implements AutoCloseable {
    private final Server server;
    private final ManagedChannel channel;
    private final KVGrpc.KVStub kv;
    private final LeaseGrpc.LeaseStub lease;
    private final WatchGrpc.WatchStub watch;

    private SelfClient(Server server, ManagedChannel channel, Channel calls) {
        this.server = server;
        this.channel = channel;
        this.kv = KVGrpc.newStub(calls);
        this.lease = LeaseGrpc.newStub(calls);
        this.watch = WatchGrpc.newStub(calls);
    }

    /** This client making its KV, Lease and Watch calls as {@code caller}, as etcd's recipes run as theirs. */
    SelfClient as(CallerIdentity.Caller caller) {
        if (caller.equals(CallerIdentity.Caller.NOBODY)) {
            return this;
        }
        return new SelfClient(server, channel, ClientInterceptors.intercept(channel,
                MetadataUtils.newAttachHeadersInterceptor(caller.headers())));
    }

    /** Serves {@code services} in-process and connects to them. */
    static SelfClient start(List<ServerServiceDefinition> services, Executor callbacks) {
        String name = "baton-self-" + UUID.randomUUID();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor()
                .fallbackHandlerRegistry(new UnknownMethods());
        services.forEach(builder::addService);
        Server server;
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the in-process server " + name, e);
        }
        ManagedChannel channel = InProcessChannelBuilder.forName(name).executor(callbacks).build();
        return new SelfClient(server, channel, channel);
    }

    CompletableFuture<TxnResponse> txn(TxnRequest request) {
        return unary(kv::txn, request);
    }

    CompletableFuture<RangeResponse> range(RangeRequest request) {
        return unary(kv::range, request);
    }

    CompletableFuture<PutResponse> put(PutRequest request) {
        return unary(kv::put, request);
    }

    CompletableFuture<DeleteRangeResponse> delete(ByteString key) {
        return unary(kv::deleteRange, DeleteRangeRequest.newBuilder().setKey(key).build());
    }

    /** Any unary call of the served services, made with {@code token} (null: none), as etcd's gateway forwards it. */
    <Q, R> CompletableFuture<R> call(MethodDescriptor<Q, R> method, Q request, String token) {
        return unary((q, observer) -> ClientCalls.asyncUnaryCall(channelWith(token).newCall(method,
                CallOptions.DEFAULT), q, observer), request);
    }

    /** The channel, its calls carrying {@code token} in the metadata etcd reads it from (null: none). */
    private Channel channelWith(String token) {
        if (token == null) {
            return channel;
        }
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(
                new CallerIdentity.Caller(token, null).headers()));
    }

    CompletableFuture<LeaseGrantResponse> grant(long ttlSeconds) {
        return unary(lease::leaseGrant, LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build());
    }

    private static <Q, R> CompletableFuture<R> unary(BiConsumer<Q, StreamObserver<R>> call, Q request) {
        CompletableFuture<R> result = new CompletableFuture<>();
        Context.ROOT.run(() -> call.accept(request, new StreamObserver<>() {
            private R value;

            @Override
            public void onNext(R response) {
                value = response;
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.complete(value);
            }
        }));
        return result;
    }

    /**
     * Watches as {@code create} asks, passing each response with events to {@code handler} until
     * it returns true; the future then completes with that response's header. It fails when the
     * watch is cancelled by the server (a compacted start revision) or the stream fails, and with
     * {@link CancellationException} when {@code cancellation} is cancelled.
     */
    CompletableFuture<WatchResponse> watchUntil(WatchCreateRequest create, Predicate<WatchResponse> handler,
            Cancellation cancellation) {
        CompletableFuture<WatchResponse> done = new CompletableFuture<>();
        ClientResponseObserver<WatchRequest, WatchResponse> observer = new ClientResponseObserver<>() {
            private ClientCallStreamObserver<WatchRequest> requests;

            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                this.requests = requestStream;
            }

            @Override
            public void onNext(WatchResponse response) {
                if (done.isDone()) {
                    return;
                }
                if (response.getCanceled()) {
                    done.completeExceptionally(Status.OUT_OF_RANGE.withDescription(response.getCancelReason().isEmpty()
                            ? "watch cancelled at compaction revision " + response.getCompactRevision()
                            : response.getCancelReason()).asRuntimeException());
                    requests.cancel("watch cancelled", null);
                    return;
                }
                if (response.getEventsCount() > 0 && handler.test(response)) {
                    done.complete(response);
                    requests.cancel("watch no longer needed", null);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.completeExceptionally(Status.UNAVAILABLE.withDescription("baton: watch stream ended")
                        .asRuntimeException());
            }
        };
        if (cancellation.isCancelled()) {
            return CompletableFuture.failedFuture(new CancellationException());
        }
        Context.ROOT.run(() -> {
            ClientCallStreamObserver<WatchRequest> requests = (ClientCallStreamObserver<WatchRequest>) watch.watch(observer);
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
            Runnable forget = cancellation.onCancel(() -> {
                // First: cancelling the stream may report its CANCELLED status at once, and the
                // caller must see the cancellation, not a failed watch.
                done.completeExceptionally(new CancellationException());
                requests.cancel("cancelled by the caller", null);
            });
            done.whenComplete((response, failure) -> forget.run());
        });
        return done;
    }

    /**
     * Opens a stream of the bidirectional call {@code method}, sends {@code first} on it (and
     * closes the sending side when {@code halfClose}), and passes every response to
     * {@code responses} and the stream's end (null when it ended normally) to {@code ended}.
     * Returns what cancels the stream.
     */
    <Q, R> Runnable stream(MethodDescriptor<Q, R> method, Q first, String token, boolean halfClose,
            Consumer<R> responses, Consumer<Throwable> ended) {
        AtomicReference<ClientCall<Q, R>> call = new AtomicReference<>();
        Context.ROOT.run(() -> {
            call.set(channelWith(token).newCall(method, CallOptions.DEFAULT));
            StreamObserver<Q> requests = ClientCalls.asyncBidiStreamingCall(call.get(), new StreamObserver<>() {
                @Override
                public void onNext(R response) {
                    responses.accept(response);
                }

                @Override
                public void onError(Throwable t) {
                    ended.accept(t);
                }

                @Override
                public void onCompleted() {
                    ended.accept(null);
                }
            });
            requests.onNext(first);
            if (halfClose) {
                requests.onCompleted();
            }
        });
        return () -> call.get().cancel("the client left", null);
    }

    /**
     * etcd's {@code waitDeletes}: waits until no key under {@code prefix} has a create revision
     * at or below {@code maxCreateRevision}, watching the newest such key's deletion each time,
     * and returns the header of the read that found none.
     */
    CompletableFuture<ResponseHeader> waitDeletes(ByteString prefix, long maxCreateRevision,
            Cancellation cancellation) {
        RangeRequest newest = RangeRequest.newBuilder().setKey(prefix).setRangeEnd(prefixEnd(prefix))
                .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.DESCEND)
                .setLimit(1).setMaxCreateRevision(maxCreateRevision).build();
        return range(newest).thenCompose(found -> {
            if (found.getKvsCount() == 0) {
                return CompletableFuture.completedFuture(found.getHeader());
            }
            WatchCreateRequest deletion = WatchCreateRequest.newBuilder().setKey(found.getKvs(0).getKey())
                    .setStartRevision(found.getHeader().getRevision()).build();
            return watchUntil(deletion, r -> r.getEventsList().stream().anyMatch(e -> e.getType() == Event.EventType.DELETE),
                    cancellation).thenCompose(deleted -> waitDeletes(prefix, maxCreateRevision, cancellation));
        });
    }

    /** The first key after every key starting with {@code prefix}, as etcd's {@code WithPrefix}. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }

    /** A range request for the key created first under {@code prefix}, as etcd's {@code WithFirstCreate}. */
    static RangeRequest firstCreated(ByteString prefix) {
        return RangeRequest.newBuilder().setKey(prefix).setRangeEnd(prefixEnd(prefix))
                .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(RangeRequest.SortOrder.ASCEND)
                .setLimit(1).build();
    }

    /** The lease ID as Go's {@code %x} prints it: lower-case hex, a minus sign when negative. */
    static String hex(long lease) {
        return lease < 0 ? "-" + Long.toHexString(-lease) : Long.toHexString(lease);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
