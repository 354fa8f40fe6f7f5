package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * While the store refuses connections, the connection keeps trying every few hundred
 * milliseconds instead of waiting longer after each failure as gRPC would, so it is back soon
 * after the store, however long the outage was.
 */
class ReconnectTest {

    @Test
    void aFailingConnectionKeepsTryingAtAShortPeriod() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket refusing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!refusing.isClosed()) {
                    try (Socket connection = refusing.accept()) {
                        attempts.incrementAndGet();
                        connection.setSoLinger(true, 0);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "refusing-store");
            acceptor.setDaemon(true);
            acceptor.start();
            try (Etcd etcd = Etcd.builder().endpoints("127.0.0.1:" + refusing.getLocalPort())
                    .requestTimeout(Duration.ofSeconds(1)).build()) {
                etcd.get("k").exceptionally(error -> null).join();
                int before = attempts.get();

                Thread.sleep(5_000);

                // gRPC alone tries about 4 times in 5 s (after 1, 1.6 and 2.6 s); every 200 ms is 25.
                assertThat(attempts.get() - before).isGreaterThanOrEqualTo(10);
            }
        }
    }
}
