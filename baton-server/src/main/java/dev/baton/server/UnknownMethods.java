package dev.baton.server;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the server answers a call it does not serve: UNIMPLEMENTED worded as etcd words it, "unknown
 * method M for service S" for a service of etcd's API, "unknown service S" for any other.
 * Services register only the methods they implement ({@link #only}); every other call lands here.
 */
final class UnknownMethods extends HandlerRegistry {
    /** The gRPC services etcd serves on its client port. */
    private static final Set<String> ETCD_SERVICES = Set.of("etcdserverpb.KV", "etcdserverpb.Watch",
            "etcdserverpb.Lease", "etcdserverpb.Cluster", "etcdserverpb.Maintenance", "etcdserverpb.Auth",
            "v3lockpb.Lock", "v3electionpb.Election");

    /** etcd's description of an UNIMPLEMENTED answer to {@code fullMethodName} ("service/method"). */
    static String describe(String fullMethodName) {
        int slash = fullMethodName.lastIndexOf('/');
        String service = slash < 0 ? "" : fullMethodName.substring(0, slash);
        String method = fullMethodName.substring(slash + 1);
        return ETCD_SERVICES.contains(service) ? "unknown method " + method + " for service " + service
                : "unknown service " + service;
    }

    /**
     * {@code definition} with only the named methods, so the others fall through to this
     * registry.
     *
     * @throws IllegalArgumentException naming a method the service does not have
     */
    static ServerServiceDefinition only(ServerServiceDefinition definition, String... methods) {
        String service = definition.getServiceDescriptor().getName();
        Set<String> wanted = new HashSet<>(List.of(methods));
        ServerServiceDefinition.Builder kept = ServerServiceDefinition.builder(service);
        for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
            if (wanted.remove(method.getMethodDescriptor().getBareMethodName())) {
                kept.addMethod(method);
            }
        }
        if (!wanted.isEmpty()) {
            throw new IllegalArgumentException("service " + service + " has no method " + wanted);
        }
        return kept.build();
    }

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNKNOWN)
                .setFullMethodName(methodName)
                .setRequestMarshaller(RawBytes.MARSHALLER)
                .setResponseMarshaller(RawBytes.MARSHALLER)
                .build();
        return ServerMethodDefinition.create(descriptor, new Refusal(describe(methodName)));
    }

    private static final class Refusal implements ServerCallHandler<byte[], byte[]> {
        private final String description;

        Refusal(String description) {
            this.description = description;
        }

        @Override
        public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
            call.close(Status.UNIMPLEMENTED.withDescription(description), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
    }
}
