package dev.baton.server;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * gRPC's standard health service ({@code grpc.health.v1.Health}), served as etcd serves it: one
 * status, SERVING, for the empty service name, which stands for the whole server. Check of ""
 * answers SERVING, of any other name NOT_FOUND "unknown service"; Watch sends the status
 * (SERVICE_UNKNOWN for other names) and then stays open until the client leaves, since the status
 * never changes while the server runs. The messages are described at run time ({@link RuntimeProtos}).
 */
final class GrpcHealthService {
    static final String SERVICE = "grpc.health.v1.Health";
    private static final Descriptor REQUEST;
    private static final Descriptor RESPONSE;
    private static final EnumDescriptor SERVING_STATUS;

    static {
        String pkg = "grpc.health.v1";
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("grpc/health/v1/health.proto")
                .setPackage(pkg)
                .setSyntax("proto3")
                .addMessageType(DescriptorProto.newBuilder().setName("HealthCheckRequest")
                        .addField(RuntimeProtos.field("service", 1, FieldDescriptorProto.Type.TYPE_STRING, null)))
                .addMessageType(DescriptorProto.newBuilder().setName("HealthCheckResponse")
                        .addEnumType(EnumDescriptorProto.newBuilder().setName("ServingStatus")
                                .addValue(value("UNKNOWN", 0))
                                .addValue(value("SERVING", 1))
                                .addValue(value("NOT_SERVING", 2))
                                .addValue(value("SERVICE_UNKNOWN", 3)))
                        .addField(RuntimeProtos.field("status", 1, FieldDescriptorProto.Type.TYPE_ENUM,
                                "." + pkg + ".HealthCheckResponse.ServingStatus")))
                .build();
        FileDescriptor built = RuntimeProtos.build(file);
        REQUEST = built.findMessageTypeByName("HealthCheckRequest");
        RESPONSE = built.findMessageTypeByName("HealthCheckResponse");
        SERVING_STATUS = RESPONSE.findEnumTypeByName("ServingStatus");
    }

    private static final MethodDescriptor<Message, Message> CHECK = method("Check", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<Message, Message> WATCH = method("Watch",
            MethodDescriptor.MethodType.SERVER_STREAMING);

    private GrpcHealthService() {
    }

    private static EnumValueDescriptorProto.Builder value(String name, int number) {
        return EnumValueDescriptorProto.newBuilder().setName(name).setNumber(number);
    }

    private static MethodDescriptor<Message, Message> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<Message, Message>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(REQUEST)))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(RESPONSE)))
                .build();
    }

    static ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(CHECK, ServerCalls.asyncUnaryCall((request, responses) -> {
                    if (!isWholeServer(request)) {
                        responses.onError(Status.NOT_FOUND.withDescription("unknown service").asRuntimeException());
                        return;
                    }
                    responses.onNext(status("SERVING"));
                    responses.onCompleted();
                }))
                .addMethod(WATCH, ServerCalls.asyncServerStreamingCall((Message request,
                        StreamObserver<Message> responses) ->
                        responses.onNext(status(isWholeServer(request) ? "SERVING" : "SERVICE_UNKNOWN"))))
                .build();
    }

    private static boolean isWholeServer(Message request) {
        FieldDescriptor service = REQUEST.findFieldByNumber(1);
        return ((String) request.getField(service)).isEmpty();
    }

    private static Message status(String name) {
        return DynamicMessage.newBuilder(RESPONSE)
                .setField(RESPONSE.findFieldByNumber(1), SERVING_STATUS.findValueByName(name))
                .build();
    }
}
