package dev.baton.server;

import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;

/**
 * Protobuf messages described at run time, for calls whose generated classes the server does not
 * have (etcd's {@code LeaseLeases}, which jetcd's classes lack; gRPC's health service, whose
 * classes live in a library the server does not otherwise need). Their instances are
 * {@link com.google.protobuf.DynamicMessage}s, handled like any generated message.
 */
final class RuntimeProtos {
    private RuntimeProtos() {
    }

    /** A singular field; {@code typeName} is the full name (with a leading dot) of a message or enum type. */
    static FieldDescriptorProto.Builder field(String name, int number, FieldDescriptorProto.Type type,
            String typeName) {
        FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setType(type).setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setJsonName(name);
        return typeName == null ? field : field.setTypeName(typeName);
    }

    /** Builds {@code file}; a description that does not build is a programming error. */
    static FileDescriptor build(FileDescriptorProto file, FileDescriptor... dependencies) {
        try {
            return FileDescriptor.buildFrom(file, dependencies);
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException("invalid description of " + file.getName() + ": " + e.getMessage(), e);
        }
    }
}
