package dev.baton.server.differential;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What one server answered: a response, or a status. Compared after removing what legitimately
 * differs between two servers: the cluster fields of response headers (IDs and raft term), and
 * gRPC's own wording of transport limits.
 */
record Outcome(Message response, Status.Code code, String description) {

    static Outcome of(Supplier<? extends Message> call) {
        try {
            return new Outcome(normalize(call.get()), Status.Code.OK, "");
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            String description = status.getCode() == Status.Code.RESOURCE_EXHAUSTED ? "" : status.getDescription();
            return new Outcome(null, status.getCode(), Objects.requireNonNullElse(description, ""));
        }
    }

    boolean ok() {
        return code == Status.Code.OK;
    }

    /** The message with every response header reduced to its revision, at any depth. */
    static Message normalize(Message message) {
        Message.Builder builder = message.toBuilder();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (field.isRepeated()) {
                for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
                    builder.setRepeatedField(field, i, normalize((Message) message.getRepeatedField(field, i)));
                }
            } else if (message.hasField(field)) {
                Message value = (Message) message.getField(field);
                builder.setField(field, value instanceof ResponseHeader header
                        ? ResponseHeader.newBuilder().setRevision(header.getRevision()).build()
                        : normalize(value));
            }
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return ok() ? TextFormat.printer().printToString(response) : code + ": " + description;
    }
}
