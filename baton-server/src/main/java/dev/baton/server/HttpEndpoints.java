package dev.baton.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.WatchGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.LastHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 endpoints etcd serves on its client port: {@code /health}, {@code /version},
 * {@code /metrics}, and the KV, Lease, Watch, Maintenance, Cluster and Auth paths of etcd's JSON
 * gateway (POST, {@link GatewayJson}; under {@code /v3beta/} too, as etcd 3.4 accepts them); any
 * other path is Go's 404 and another method than GET Go's 405, as from etcd. {@code /health} is
 * healthy when no alarm is raised (but those named by its {@code exclude} parameters, as in etcd)
 * and a write through the writer (an empty one) completes within a second, which also proves the
 * log still accepts writes.
 */
final class HttpEndpoints extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    /** The Prometheus text format version. */
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    static final long HEALTH_TIMEOUT_MILLIS = 1000;
    /** The paths of etcd's gRPC-JSON gateway served, and the call each makes. */
    private static final Map<String, MethodDescriptor<Message, Message>> GATEWAY = Map.ofEntries(
            Map.entry("/v3/maintenance/status", untyped(MaintenanceGrpc.getStatusMethod())),
            Map.entry("/v3/maintenance/alarm", untyped(MaintenanceGrpc.getAlarmMethod())),
            Map.entry("/v3/maintenance/defragment", untyped(MaintenanceGrpc.getDefragmentMethod())),
            // etcd maps Hash and HashKV to this one path; its gateway serves Hash there.
            Map.entry("/v3/maintenance/hash", untyped(MaintenanceGrpc.getHashMethod())),
            Map.entry("/v3/maintenance/transfer-leadership", untyped(MaintenanceGrpc.getMoveLeaderMethod())),
            Map.entry("/v3/cluster/member/list", untyped(ClusterGrpc.getMemberListMethod())),
            // Paths of calls the server does not serve: answered UNIMPLEMENTED (501) in etcd's words.
            Map.entry("/v3/cluster/member/add", untyped(ClusterGrpc.getMemberAddMethod())),
            Map.entry("/v3/cluster/member/remove", untyped(ClusterGrpc.getMemberRemoveMethod())),
            Map.entry("/v3/cluster/member/update", untyped(ClusterGrpc.getMemberUpdateMethod())),
            Map.entry("/v3/cluster/member/promote", untyped(ClusterGrpc.getMemberPromoteMethod())),
            // Auth: the calls made with the request's Authorization header as their token.
            Map.entry("/v3/auth/enable", untyped(AuthGrpc.getAuthEnableMethod())),
            Map.entry("/v3/auth/disable", untyped(AuthGrpc.getAuthDisableMethod())),
            Map.entry("/v3/auth/authenticate", untyped(AuthGrpc.getAuthenticateMethod())),
            Map.entry("/v3/auth/user/add", untyped(AuthGrpc.getUserAddMethod())),
            Map.entry("/v3/auth/user/get", untyped(AuthGrpc.getUserGetMethod())),
            Map.entry("/v3/auth/user/list", untyped(AuthGrpc.getUserListMethod())),
            Map.entry("/v3/auth/user/delete", untyped(AuthGrpc.getUserDeleteMethod())),
            Map.entry("/v3/auth/user/changepw", untyped(AuthGrpc.getUserChangePasswordMethod())),
            Map.entry("/v3/auth/user/grant", untyped(AuthGrpc.getUserGrantRoleMethod())),
            Map.entry("/v3/auth/user/revoke", untyped(AuthGrpc.getUserRevokeRoleMethod())),
            Map.entry("/v3/auth/role/add", untyped(AuthGrpc.getRoleAddMethod())),
            Map.entry("/v3/auth/role/get", untyped(AuthGrpc.getRoleGetMethod())),
            Map.entry("/v3/auth/role/list", untyped(AuthGrpc.getRoleListMethod())),
            Map.entry("/v3/auth/role/delete", untyped(AuthGrpc.getRoleDeleteMethod())),
            Map.entry("/v3/auth/role/grant", untyped(AuthGrpc.getRoleGrantPermissionMethod())),
            Map.entry("/v3/auth/role/revoke", untyped(AuthGrpc.getRoleRevokePermissionMethod())),
            Map.entry("/v3/kv/range", untyped(KVGrpc.getRangeMethod())),
            Map.entry("/v3/kv/put", untyped(KVGrpc.getPutMethod())),
            Map.entry("/v3/kv/deleterange", untyped(KVGrpc.getDeleteRangeMethod())),
            Map.entry("/v3/kv/txn", untyped(KVGrpc.getTxnMethod())),
            Map.entry("/v3/kv/compaction", untyped(KVGrpc.getCompactMethod())),
            Map.entry("/v3/lease/grant", untyped(LeaseGrpc.getLeaseGrantMethod())),
            Map.entry("/v3/lease/revoke", untyped(LeaseGrpc.getLeaseRevokeMethod())),
            Map.entry("/v3/kv/lease/revoke", untyped(LeaseGrpc.getLeaseRevokeMethod())),
            Map.entry("/v3/lease/timetolive", untyped(LeaseGrpc.getLeaseTimeToLiveMethod())),
            Map.entry("/v3/kv/lease/timetolive", untyped(LeaseGrpc.getLeaseTimeToLiveMethod())),
            Map.entry("/v3/lease/leases", LeaseLeasesCall.METHOD),
            Map.entry("/v3/kv/lease/leases", LeaseLeasesCall.METHOD));
    /** The prefix etcd 3.4 still accepts for its gateway's paths, as {@code /v3/}. */
    private static final String V3BETA = "/v3beta/";
    /** The cluster version etcd's {@code /version} reports. */
    private static final String CLUSTER_VERSION = "3.4.0";

    private final CommitPipeline pipeline;
    private final SelfClient client;
    private final Metrics metrics;

    HttpEndpoints(CommitPipeline pipeline, SelfClient client, Metrics metrics) {
        this.pipeline = pipeline;
        this.client = client;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path().startsWith(V3BETA) ? "/v3/" + uri.path().substring(V3BETA.length()) : uri.path();
        switch (path) {
            case "/health" -> {
                if (allowGet(ctx, request, keepAlive)) {
                    health(ctx, keepAlive, uri.parameters().getOrDefault("exclude", List.of()));
                }
            }
            case "/version" -> {
                if (allowGet(ctx, request, keepAlive)) {
                    send(ctx, keepAlive, HttpResponseStatus.OK, JSON, "{\"etcdserver\":\""
                            + MaintenanceService.API_VERSION + "\",\"etcdcluster\":\"" + CLUSTER_VERSION + "\"}");
                }
            }
            case "/metrics" -> {
                if (allowGet(ctx, request, keepAlive)) {
                    send(ctx, keepAlive, HttpResponseStatus.OK, PROMETHEUS, metrics.render());
                }
            }
            case "/v3/watch" -> stream(ctx, request, untyped(WatchGrpc.getWatchMethod()), false);
            case "/v3/lease/keepalive" -> stream(ctx, request, untyped(LeaseGrpc.getLeaseKeepAliveMethod()), true);
            case "/v3/maintenance/snapshot" -> stream(ctx, request, untyped(MaintenanceGrpc.getSnapshotMethod()), true);
            default -> {
                MethodDescriptor<Message, Message> call = GATEWAY.get(path);
                if (call != null) {
                    gateway(ctx, request, keepAlive, call);
                } else {
                    send(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, TEXT, "404 page not found\n");
                }
            }
        }
    }

    /**
     * A call of etcd's JSON gateway: the body is the request in JSON, the answer the response in
     * JSON, or the gateway's error object with the HTTP status of the gRPC code.
     */
    private void gateway(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive,
            MethodDescriptor<Message, Message> call) {
        if (!HttpMethod.POST.equals(request.method())) {
            send(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "Method Not Allowed\n");
            return;
        }
        Message parsed;
        try {
            Message prototype = ((MethodDescriptor.PrototypeMarshaller<Message>) call.getRequestMarshaller())
                    .getMessagePrototype();
            parsed = GatewayJson.read(request.content().toString(StandardCharsets.UTF_8), prototype.newBuilderForType())
                    .build();
        } catch (IllegalArgumentException e) {
            gatewayError(ctx, keepAlive, Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            return;
        }
        client.call(call, parsed, token(request)).whenComplete((response, failure) -> {
            if (failure != null) {
                gatewayError(ctx, keepAlive, RecipeCalls.grpcStatus(failure));
            } else {
                send(ctx, keepAlive, HttpResponseStatus.OK, JSON, GatewayJson.write(response));
            }
        });
    }

    /**
     * The gateway's streams: the body is one request in JSON; the answer streams each response
     * as a line {@code {"result":...}} until the stream ends or the client goes away, which
     * cancels it. An error ends the stream with a line {@code {"error":...}}. The watch's
     * sending side stays open (etcd keeps a watch after its client stops sending); a
     * keep-alive's is closed after the one request, so its stream ends after the one answer.
     */
    private void stream(ChannelHandlerContext ctx, FullHttpRequest request, MethodDescriptor<Message, Message> call,
            boolean halfClose) {
        if (!HttpMethod.POST.equals(request.method())) {
            send(ctx, false, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "Method Not Allowed\n");
            return;
        }
        Message first;
        try {
            Message prototype = ((MethodDescriptor.PrototypeMarshaller<Message>) call.getRequestMarshaller())
                    .getMessagePrototype();
            first = GatewayJson.read(request.content().toString(StandardCharsets.UTF_8), prototype.newBuilderForType())
                    .build();
        } catch (IllegalArgumentException e) {
            gatewayError(ctx, false, Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
        HttpUtil.setTransferEncodingChunked(head, true);
        ctx.writeAndFlush(head);
        Runnable cancel = client.stream(call, first, token(request), halfClose,
                response -> ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(
                        "{\"result\":" + GatewayJson.write(response) + "}\n", StandardCharsets.UTF_8))),
                failure -> {
                    if (failure != null && ctx.channel().isActive()) {
                        Status status = RecipeCalls.grpcStatus(failure);
                        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("{\"error\":"
                                + gatewayErrorJson(status) + "}\n", StandardCharsets.UTF_8)));
                    }
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                });
        ctx.channel().closeFuture().addListener(closed -> cancel.run());
    }

    /** The token of a gateway request: its {@code Authorization} header, which etcd's gateway passes on. */
    private static String token(FullHttpRequest request) {
        return request.headers().get(HttpHeaderNames.AUTHORIZATION);
    }

    private static String gatewayErrorJson(Status status) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("error", description).put("message", description).put("code", status.getCode().value());
        return error.toString();
    }

    private static void gatewayError(ChannelHandlerContext ctx, boolean keepAlive, Status status) {
        send(ctx, keepAlive, HttpResponseStatus.valueOf(httpStatus(status.getCode())), JSON, gatewayErrorJson(status));
    }

    @SuppressWarnings("unchecked")
    private static MethodDescriptor<Message, Message> untyped(MethodDescriptor<? extends Message, ? extends Message> m) {
        return (MethodDescriptor<Message, Message>) m;
    }

    /** The HTTP status etcd's grpc-gateway (v1) gives a gRPC code. */
    static int httpStatus(Status.Code code) {
        return switch (code) {
            case OK -> 200;
            case CANCELLED -> 408;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case FAILED_PRECONDITION -> 412;
            case DEADLINE_EXCEEDED -> 504;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case PERMISSION_DENIED -> 403;
            case UNAUTHENTICATED -> 401;
            case RESOURCE_EXHAUSTED -> 429;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            default -> 500;
        };
    }

    private void health(ChannelHandlerContext ctx, boolean keepAlive, List<String> excludedAlarms) {
        pipeline.submit(s -> s.alarms().stream().allMatch(a -> excludedAlarms.contains(a.getAlarm().name())))
                .orTimeout(HEALTH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .whenComplete((noAlarm, failure) -> {
                    boolean healthy = failure == null && noAlarm;
                    send(ctx, keepAlive, healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                            TEXT, "{\"health\":\"" + healthy + "\"}");
                });
    }

    private static boolean allowGet(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        if (HttpMethod.GET.equals(request.method())) {
            return true;
        }
        FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "Method Not Allowed\n");
        response.headers().set(HttpHeaderNames.ALLOW, "GET");
        write(ctx, keepAlive, response);
        return false;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type,
            String body) {
        write(ctx, keepAlive, response(status, type, body));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
