package dev.baton.server;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * gRPC and HTTP/1.1 on one port, as etcd serves its client port: each connection's first bytes
 * (after the TLS handshake, with TLS) decide. A connection that opens with the HTTP/2 preface
 * goes to gRPC, any other to the HTTP/1.1 endpoints ({@link HttpEndpoints}). With TLS, the
 * handshake (and the client certificate check, when configured) comes first, and ALPN prefers
 * HTTP/1.1, so only clients that offer nothing but HTTP/2 (gRPC's) speak HTTP/2. A connection
 * whose first bytes have not come within two minutes is closed.
 */
final class ClientPortNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    private static final Class<?> NEGOTIATION_EVENT = InternalProtocolNegotiationEvent.getDefault().getClass();
    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** How long a connection may stay silent before its first bytes show its protocol. */
    static final long UNDECIDED_TIMEOUT_SECONDS = 120;
    /** The largest HTTP/1.1 request body read, as for a gateway request. */
    static final int MAX_HTTP_CONTENT_BYTES = 2 * 1024 * 1024;

    private final InternalProtocolNegotiator.ProtocolNegotiator grpc = InternalProtocolNegotiators.serverPlaintext();
    private final SslContext tls;
    private final Supplier<ChannelHandler> http;

    /**
     * @param tls the server's TLS, or null for plaintext
     * @param http a new handler of aggregated HTTP/1.1 requests, for each HTTP connection
     */
    ClientPortNegotiator(SslContext tls, Supplier<ChannelHandler> http) {
        this.tls = tls;
        this.http = http;
    }

    @Override
    public AsciiString scheme() {
        return grpc.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        Sniffer sniffer = new Sniffer(grpc.newHandler(grpcHandler));
        if (tls == null) {
            return sniffer;
        }
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                ctx.pipeline().addAfter(ctx.name(), null, sniffer);
                ctx.pipeline().replace(this, null, tls.newHandler(ctx.alloc()));
            }
        };
    }

    @Override
    public void close() {
        grpc.close();
    }

    /**
     * Holds the first bytes until they show which protocol the connection speaks, then steps
     * aside. gRPC's negotiation starts from an event the transport fires when the connection is
     * set up; it is kept here and handed to gRPC's handler once the connection turns out to be
     * gRPC.
     */
    private final class Sniffer extends ByteToMessageDecoder {
        private final ChannelHandler grpcNegotiation;
        private Object negotiationEvent;
        private ScheduledFuture<?> undecided;

        Sniffer(ChannelHandler grpcNegotiation) {
            this.grpcNegotiation = grpcNegotiation;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            undecided = ctx.executor().schedule(() -> ctx.close(), UNDECIDED_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        protected void handlerRemoved0(ChannelHandlerContext ctx) {
            undecided.cancel(false);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event.getClass() == NEGOTIATION_EVENT) {
                negotiationEvent = event;
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int n = Math.min(in.readableBytes(), HTTP2_PREFACE.length);
            for (int i = 0; i < n; i++) {
                if (in.getByte(in.readerIndex() + i) != HTTP2_PREFACE[i]) {
                    ctx.pipeline().addAfter(ctx.name(), "http-codec", new HttpServerCodec())
                            .addAfter("http-codec", "http-aggregator", new HttpObjectAggregator(MAX_HTTP_CONTENT_BYTES))
                            .addAfter("http-aggregator", "http-endpoints", http.get());
                    ctx.pipeline().remove(this);
                    return;
                }
            }
            if (n == HTTP2_PREFACE.length) {
                ctx.pipeline().addAfter(ctx.name(), null, grpcNegotiation);
                if (negotiationEvent != null) {
                    ctx.fireUserEventTriggered(withTlsSession(ctx, negotiationEvent));
                }
                ctx.pipeline().remove(this);
            }
        }

        /**
         * The negotiation event with the connection's TLS session among its attributes, as gRPC's
         * own TLS negotiation records it, so calls can see the client's certificate.
         */
        private Object withTlsSession(ChannelHandlerContext ctx, Object event) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl == null) {
                return event;
            }
            ProtocolNegotiationEvent negotiation = (ProtocolNegotiationEvent) event;
            Attributes attributes = InternalProtocolNegotiationEvent.getAttributes(negotiation).toBuilder()
                    .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, ssl.engine().getSession()).build();
            return InternalProtocolNegotiationEvent.withAttributes(negotiation, attributes);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
