package dev.baton.server.fuzz;

import dev.baton.server.store.EtcdError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/**
 * What a rejection may look like. A request is refused either with one of etcd's own errors —
 * its exact code and message, which clients written for etcd match on (etcd's messages name the
 * field or rule, such as {@code etcdserver: key is not provided}) — or by the transport for a
 * message over its size limit, with a message that names the limit. Anything else (INTERNAL,
 * UNKNOWN, an empty or unknown message) means a handler failed on its input.
 */
public final class Rejections {
    /** etcd's messages and their codes, read from the server's table of them. */
    private static final Map<String, Status.Code> ETCD_ERRORS = etcdErrors();

    private Rejections() {
    }

    private static Map<String, Status.Code> etcdErrors() {
        Map<String, Status.Code> errors = new HashMap<>();
        for (Method m : EtcdError.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == EtcdError.class
                    && m.getParameterCount() == 0) {
                try {
                    EtcdError e = (EtcdError) m.invoke(null);
                    errors.put(e.getMessage(), e.code());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read EtcdError." + m.getName(), e);
                }
            }
        }
        return Map.copyOf(errors);
    }

    /** Null when {@code rejection} is one a client can act on, else what is wrong with it. */
    public static String problem(StatusRuntimeException rejection) {
        Status status = rejection.getStatus();
        String description = status.getDescription();
        if (description == null || description.isBlank()) {
            return "a rejection without a message: " + status.getCode();
        }
        Status.Code etcdCode = ETCD_ERRORS.get(description);
        if (etcdCode != null) {
            return etcdCode == status.getCode() ? null
                    : "etcd's message \"" + description + "\" with code " + status.getCode() + ", etcd uses " + etcdCode;
        }
        if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                && description.contains(String.valueOf(HostileRequests.TRANSPORT_LIMIT_BYTES))) {
            return null;
        }
        return "a rejection that is neither etcd's nor the transport's size limit: " + status.getCode() + ": "
                + description;
    }
}
