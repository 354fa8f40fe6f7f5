package dev.baton.server;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.util.List;

/**
 * etcd's {@code LeaseLeases} call, which jetcd's generated classes lack: its messages are
 * described here at run time ({@link RuntimeProtos}), as in etcd's {@code rpc.proto} ({@code LeaseLeasesRequest} has no
 * fields; {@code LeaseLeasesResponse} is {@code header = 1, repeated LeaseStatus leases = 2};
 * {@code LeaseStatus} is {@code int64 ID = 1}), so the service and the JSON gateway handle it as
 * any generated call.
 */
final class LeaseLeasesCall {
    private static final Descriptor REQUEST;
    private static final Descriptor RESPONSE;
    private static final Descriptor STATUS;

    static {
        FileDescriptor rpc = ResponseHeader.getDescriptor().getFile();
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("baton/lease_leases.proto")
                .setPackage(rpc.getPackage())
                .addDependency(rpc.getName())
                .addMessageType(DescriptorProto.newBuilder().setName("LeaseLeasesRequest"))
                .addMessageType(DescriptorProto.newBuilder().setName("LeaseStatus")
                        .addField(RuntimeProtos.field("ID", 1, FieldDescriptorProto.Type.TYPE_INT64, null)))
                .addMessageType(DescriptorProto.newBuilder().setName("LeaseLeasesResponse")
                        .addField(RuntimeProtos.field("header", 1, FieldDescriptorProto.Type.TYPE_MESSAGE,
                                "." + ResponseHeader.getDescriptor().getFullName()))
                        .addField(RuntimeProtos.field("leases", 2, FieldDescriptorProto.Type.TYPE_MESSAGE,
                                "." + rpc.getPackage() + ".LeaseStatus")
                                .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)))
                .build();
        FileDescriptor built = RuntimeProtos.build(file, rpc);
        REQUEST = built.findMessageTypeByName("LeaseLeasesRequest");
        STATUS = built.findMessageTypeByName("LeaseStatus");
        RESPONSE = built.findMessageTypeByName("LeaseLeasesResponse");
    }

    static final MethodDescriptor<Message, Message> METHOD = MethodDescriptor.<Message, Message>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(LeaseGrpc.SERVICE_NAME, "LeaseLeases"))
            .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(REQUEST)))
            .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(RESPONSE)))
            .build();

    private LeaseLeasesCall() {
    }

    /** The response listing {@code ids}. */
    static Message response(ResponseHeader header, List<Long> ids) {
        DynamicMessage.Builder response = DynamicMessage.newBuilder(RESPONSE)
                .setField(RESPONSE.findFieldByNumber(1), header);
        for (long id : ids) {
            response.addRepeatedField(RESPONSE.findFieldByNumber(2), DynamicMessage.newBuilder(STATUS)
                    .setField(STATUS.findFieldByNumber(1), id).build());
        }
        return response.build();
    }
}
