package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * While the store refuses connections, the connection keeps trying every few hundred
 * milliseconds instead of waiting longer after each failure as gRPC would, so it is back soon
 * after the store, however long the outage was; an outage is told in two log lines.
 */
class ReconnectTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

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

    @Test
    void anOutageIsToldInOneLineWhenItStartsAndOneWhenItEnds() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(GrpcChannel.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", ETCD.process().clientPort());
             Etcd etcd = Etcd.builder().endpoints(proxy.endpoint()).build()) {
            etcd.get("k").get(10, TimeUnit.SECONDS);

            proxy.cut();
            long cutUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() - cutUntil < 0) {
                etcd.get("k").exceptionally(error -> null).join();
            }
            proxy.heal();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> etcd.get("k").get(10, TimeUnit.SECONDS) != null);
            await().atMost(Duration.ofSeconds(5)).until(() -> lines.list.size() >= 2);

            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
                    failed -> assertThat(failed).contains("failed; trying again every 200 ms"),
                    back -> assertThat(back).contains("is back after"));
        } finally {
            logger.detachAppender(lines);
        }
    }
}
