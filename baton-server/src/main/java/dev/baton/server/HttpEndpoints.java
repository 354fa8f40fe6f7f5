package dev.baton.server;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 endpoints etcd serves on its client port: {@code /health}, {@code /version} and
 * {@code /metrics}; any other path is Go's 404 and another method than GET Go's 405, as from
 * etcd. {@code /health} is healthy when a write through the writer (an empty one) completes
 * within a second, which also proves the log still accepts writes.
 */
final class HttpEndpoints extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    /** The Prometheus text format version. */
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    static final long HEALTH_TIMEOUT_MILLIS = 1000;
    /** The cluster version etcd's {@code /version} reports. */
    private static final String CLUSTER_VERSION = "3.4.0";

    private final CommitPipeline pipeline;
    private final Metrics metrics;

    HttpEndpoints(CommitPipeline pipeline, Metrics metrics) {
        this.pipeline = pipeline;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String path = new QueryStringDecoder(request.uri()).path();
        switch (path) {
            case "/health" -> {
                if (allowGet(ctx, request, keepAlive)) {
                    health(ctx, keepAlive);
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
            default -> send(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, TEXT, "404 page not found\n");
        }
    }

    private void health(ChannelHandlerContext ctx, boolean keepAlive) {
        pipeline.submit(s -> s.publishedRevision())
                .orTimeout(HEALTH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .whenComplete((revision, failure) -> {
                    boolean healthy = failure == null;
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
