package dev.baton.server.differential;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server under comparison, reached through the raw generated gRPC stubs, which show every
 * field jetcd would hide.
 */
final class Target implements AutoCloseable {
    private static final MethodDescriptor<byte[], byte[]> LEASE_LEASES = rawMethod(
            MethodDescriptor.generateFullMethodName(LeaseGrpc.SERVICE_NAME, "LeaseLeases"),
            MethodDescriptor.MethodType.UNARY);

    final String name;
    final ManagedChannel channel;

    Target(String name, String endpoint) {
        this.name = name;
        URI uri = URI.create(endpoint);
        this.channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
    }

    KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    LeaseGrpc.LeaseBlockingStub lease() {
        return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    LeaseGrpc.LeaseStub leaseAsync() {
        return LeaseGrpc.newStub(channel);
    }

    WatchGrpc.WatchStub watch() {
        return WatchGrpc.newStub(channel);
    }

    MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
        return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    ClusterGrpc.ClusterBlockingStub cluster() {
        return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The decoded {@code LeaseLeases} response: the header's revision and the lease IDs, sorted. */
    record LeaseList(long revision, List<Long> ids) {
    }

    LeaseList leases() {
        byte[] response = ClientCalls.blockingUnaryCall(channel, LEASE_LEASES,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), new byte[0]);
        try {
            UnknownFieldSet fields = UnknownFieldSet.parseFrom(response);
            long revision = fields.hasField(1)
                    ? ResponseHeader.parseFrom(fields.getField(1).getLengthDelimitedList().get(0)).getRevision() : 0;
            List<Long> ids = fields.getField(2).getLengthDelimitedList().stream()
                    .map(status -> {
                        try {
                            List<Long> id = UnknownFieldSet.parseFrom(status).getField(1).getVarintList();
                            return id.isEmpty() ? 0L : id.get(0);
                        } catch (InvalidProtocolBufferException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .sorted()
                    .toList();
            return new LeaseList(revision, ids);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("undecodable LeaseLeases response from " + name, e);
        }
    }

    /**
     * Calls {@code fullMethodName} ("service/method") with an empty request and returns the
     * answer's status as "CODE: description" ("OK" for an answer).
     */
    String callStatus(String fullMethodName) {
        MethodDescriptor<byte[], byte[]> method = rawMethod(fullMethodName, MethodDescriptor.MethodType.UNARY);
        try {
            ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                    new byte[0]);
            return "OK";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
    }

    /** A method whose messages are passed as their encoded bytes. */
    static MethodDescriptor<byte[], byte[]> rawMethod(String fullMethodName, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(fullMethodName)
                .setRequestMarshaller(new RawBytes())
                .setResponseMarshaller(new RawBytes())
                .build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }

    @Override
    public String toString() {
        return name;
    }

    private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
