package dev.baton.server;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The gRPC server counters etcd exports (from go-grpc-prometheus), under their names and labels:
 * calls started and handled (with the status code, in Go's spelling) and messages received and
 * sent, per method. Dashboards read request rates and open streams from them. Calls of unknown
 * methods are not counted.
 */
final class GrpcCallMetrics implements ServerInterceptor {
    /** The counters of one method, found by its full name. */
    private final Map<String, MethodCounters> methods = new ConcurrentHashMap<>();

    private static final class MethodCounters {
        final String labels;
        final LongAdder started = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder sent = new LongAdder();
        /** Completed calls by status code, indexed by the code's number. */
        final LongAdder[] handled = new LongAdder[Status.Code.values().length];

        MethodCounters(String labels) {
            this.labels = labels;
            for (int i = 0; i < handled.length; i++) {
                handled[i] = new LongAdder();
            }
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        String type = type(method.getType());
        if (type == null) {
            return next.startCall(call, headers);
        }
        MethodCounters counters = methods.computeIfAbsent(method.getFullMethodName(), name -> new MethodCounters(
                "grpc_method=\"" + method.getBareMethodName() + "\",grpc_service=\"" + method.getServiceName()
                        + "\",grpc_type=\"" + type + "\""));
        counters.started.increment();
        ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                counters.sent.increment();
                super.sendMessage(message);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                counters.handled[status.getCode().value()].increment();
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
            @Override
            public void onMessage(Q message) {
                counters.received.increment();
                super.onMessage(message);
            }
        };
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
    static String goName(Status.Code code) {
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

    /** Appends the counters in Prometheus' text format, each series once it has counted something. */
    void render(StringBuilder out) {
        List<MethodCounters> all = methods.values().stream()
                .sorted(Comparator.comparing((MethodCounters m) -> m.labels)).toList();
        header(out, "grpc_server_started_total", "Total number of RPCs started on the server.");
        series(out, "grpc_server_started_total", all, m -> m.started);
        header(out, "grpc_server_handled_total",
                "Total number of RPCs completed on the server, regardless of success or failure.");
        for (Status.Code code : Status.Code.values()) {
            for (MethodCounters m : all) {
                long count = m.handled[code.value()].sum();
                if (count > 0) {
                    out.append("grpc_server_handled_total{grpc_code=\"").append(goName(code)).append("\",")
                            .append(m.labels).append("} ").append(count).append('\n');
                }
            }
        }
        header(out, "grpc_server_msg_received_total", "Total number of RPC stream messages received on the server.");
        series(out, "grpc_server_msg_received_total", all, m -> m.received);
        header(out, "grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server.");
        series(out, "grpc_server_msg_sent_total", all, m -> m.sent);
    }

    private static void header(StringBuilder out, String name, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
    }

    private static void series(StringBuilder out, String name, List<MethodCounters> all,
            Function<MethodCounters, LongAdder> counter) {
        for (MethodCounters m : all) {
            out.append(name).append('{').append(m.labels).append("} ").append(counter.apply(m).sum()).append('\n');
        }
    }
}
