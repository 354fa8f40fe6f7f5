package dev.baton.bench.store;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;

/** Client connections: one plain gRPC channel per simulated client, the same for both servers. */
final class Clients {
    private Clients() {
    }

    static ManagedChannel channel(String endpoint) {
        URI uri = URI.create(endpoint);
        return NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
    }
}
