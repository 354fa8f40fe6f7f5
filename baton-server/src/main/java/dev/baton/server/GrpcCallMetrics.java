package dev.baton.server;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gRPC server counters etcd exports (from go-grpc-prometheus), under their names and labels:
 * calls started and handled (with the status code, in Go's spelling) and messages received and
 * sent, per method. Dashboards read request rates and open streams from them. Calls of unknown
 * methods are not counted.
 */
final class GrpcCallMetrics implements ServerInterceptor {
    private final Map<String, LongAdder> started = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> handled = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> received = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> sent = new ConcurrentSkipListMap<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        String type = type(method.getType());
        if (type == null) {
            return next.startCall(call, headers);
        }
        String labels = "grpc_method=\"" + method.getBareMethodName() + "\",grpc_service=\""
                + method.getServiceName() + "\",grpc_type=\"" + type + "\"";
        increment(started, labels);
        ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                increment(sent, labels);
                super.sendMessage(message);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                increment(handled, "grpc_code=\"" + goName(status.getCode()) + "\"," + labels);
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
            @Override
            public void onMessage(Q message) {
                increment(received, labels);
                super.onMessage(message);
            }
        };
    }

    private static void increment(Map<String, LongAdder> counters, String labels) {
        counters.computeIfAbsent(labels, l -> new LongAdder()).increment();
    }

    private static String type(MethodDescriptor.MethodType type) {
        return switch (type) {
            case UNARY -> "unary";
            case CLIENT_STREAMING -> "client_stream";
            case SERVER_STREAMING -> "server_stream";
            case BIDI_STREAMING -> "bidi_stream";
            case UNKNOWN -> null;
        };
    }

    /**
     * Go's name of a status code: {@code InvalidArgument} for INVALID_ARGUMENT, and the two that
     * differ from that rule, {@code OK} and {@code Canceled}.
     */
    private static String goName(Status.Code code) {
        if (code == Status.Code.OK) {
            return "OK";
        }
        if (code == Status.Code.CANCELLED) {
            return "Canceled";
        }
        StringBuilder name = new StringBuilder();
        for (String word : code.name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    /** Appends the counters in Prometheus' text format. */
    void render(StringBuilder out) {
        counters(out, "grpc_server_started_total", "Total number of RPCs started on the server.", started);
        counters(out, "grpc_server_handled_total",
                "Total number of RPCs completed on the server, regardless of success or failure.", handled);
        counters(out, "grpc_server_msg_received_total", "Total number of RPC stream messages received on the server.",
                received);
        counters(out, "grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server.", sent);
    }

    private static void counters(StringBuilder out, String name, String help, Map<String, LongAdder> counters) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
        counters.forEach((labels, count) -> out.append(name).append('{').append(labels).append("} ")
                .append(count.sum()).append('\n'));
    }
}
