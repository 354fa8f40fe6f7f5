package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TcpProxyTest {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private static String get(TcpProxy proxy, String key) {
        return Etcdctl.run(proxy.endpoint(), "--dial-timeout=1s", "--command-timeout=2s",
                "get", key, "--print-value-only").trim();
    }

    @Test
    void forwardsEtcdctlTraffic() {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.process().clientPort())) {
            Etcdctl.run(proxy.endpoint(), "put", "via-proxy", "yes");

            assertThat(proxy.endpoint()).isEqualTo("http://127.0.0.1:" + proxy.port());
            assertThat(get(proxy, "via-proxy")).isEqualTo("yes");
            assertThat(etcd.process().etcdctl("get", "via-proxy", "--print-value-only").trim()).isEqualTo("yes");
        }
    }

    @Test
    void cutFailsRequestsQuicklyAndHealRestoresThem() {
        etcd.process().etcdctl("put", "cut-key", "before");
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.process().clientPort())) {
            assertThat(get(proxy, "cut-key")).isEqualTo("before");

            proxy.cut();
            long started = System.nanoTime();
            assertThatThrownBy(() -> get(proxy, "cut-key")).isInstanceOf(IllegalStateException.class);
            // Bounded by etcdctl's own timeouts (1 s dial, 2 s command), far below a hang.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            assertThat(proxy.openConnections()).isZero();

            proxy.heal();
            assertThat(get(proxy, "cut-key")).isEqualTo("before");
        }
    }

    @Test
    void cutClosesAnOpenWatchStreamWhichCatchesUpAfterHeal() throws Exception {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.process().clientPort())) {
            Process watch = Etcdctl.start(proxy.endpoint(), "watch", "cut-watch");
            try {
                LineReader output = new LineReader(watch.getInputStream(), "test-watch-reader");
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    etcd.process().etcdctl("put", "cut-watch", "warm-up");
                    return output.next(Duration.ofMillis(200)) != null;
                });
                drain(output);

                proxy.cut();
                assertThat(proxy.openConnections()).isZero();
                etcd.process().etcdctl("put", "cut-watch", "written-while-cut");
                assertThat(output.next(Duration.ofSeconds(1))).as("no event crosses a cut proxy").isNull();

                proxy.heal();
                assertThat(awaitLine(output, "written-while-cut")).as("the watch resumes after heal").isTrue();
            } finally {
                watch.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void freezeStallsAnOpenStreamAndHealDeliversWhatWasHeld() throws Exception {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.process().clientPort())) {
            Process watch = Etcdctl.start(proxy.endpoint(), "watch", "frozen");
            try {
                LineReader output = new LineReader(watch.getInputStream(), "test-watch-reader");
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    etcd.process().etcdctl("put", "frozen", "warm-up");
                    return output.next(Duration.ofMillis(200)) != null;
                });
                drain(output);

                proxy.freeze();
                etcd.process().etcdctl("put", "frozen", "held");
                assertThat(output.next(Duration.ofSeconds(1))).as("no event crosses a frozen proxy").isNull();
                assertThat(watch.isAlive()).isTrue();

                proxy.heal();
                assertThat(awaitLine(output, "held")).isTrue();
            } finally {
                watch.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void freezeStallsNewRequestsUntilHeal() throws Exception {
        etcd.process().etcdctl("put", "stalled", "answered");
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.process().clientPort())) {
            proxy.freeze();
            Process get = Etcdctl.start(proxy.endpoint(), "--dial-timeout=60s", "--command-timeout=60s",
                    "get", "stalled", "--print-value-only");
            try {
                assertThat(get.waitFor(1, TimeUnit.SECONDS)).as("request finished through a frozen proxy").isFalse();

                proxy.heal();

                assertThat(get.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(get.exitValue()).isZero();
                assertThat(new String(get.getInputStream().readAllBytes()).trim()).isEqualTo("answered");
            } finally {
                get.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void freezeToClientDeliversRequestsButHoldsAnswersUntilHeal() throws Exception {
        try (Connection connection = Connection.through(TcpProxy.Direction.TO_CLIENT)) {
            connection.send(connection.client, "request");
            assertThat(connection.received.next(Duration.ofSeconds(30))).isEqualTo("request");
            connection.send(connection.server, "answer");
            assertThat(connection.answers.next(Duration.ofSeconds(1))).as("an answer crossed the frozen direction")
                    .isNull();

            connection.proxy.heal();
            assertThat(connection.answers.next(Duration.ofSeconds(30))).isEqualTo("answer");
        }
    }

    @Test
    void freezeToTargetHoldsRequestsButDeliversAnswersUntilHeal() throws Exception {
        try (Connection connection = Connection.through(TcpProxy.Direction.TO_TARGET)) {
            connection.send(connection.client, "request");
            connection.send(connection.server, "push");
            assertThat(connection.answers.next(Duration.ofSeconds(30))).isEqualTo("push");
            assertThat(connection.received.next(Duration.ofSeconds(1))).as("a request crossed the frozen direction")
                    .isNull();

            connection.proxy.heal();
            assertThat(connection.received.next(Duration.ofSeconds(30))).isEqualTo("request");
        }
    }

    @Test
    void closeIsIdempotentAndReleasesThePort() {
        TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.process().clientPort());
        proxy.close();
        proxy.close();

        assertThatThrownBy(() -> get(proxy, "anything")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badTargetIsRejectedWithTheValue() {
        assertThatThrownBy(() -> TcpProxy.start("127.0.0.1", 70_000)).hasMessageContaining("70000");
        assertThatThrownBy(() -> TcpProxy.start(" ", 2379)).hasMessageContaining("' '");
    }

    private static void drain(LineReader output) throws InterruptedException {
        while (output.next(Duration.ofMillis(200)) != null) {
            // Discards the warm-up events.
        }
    }

    private static boolean awaitLine(LineReader output, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String line = output.next(Duration.ofSeconds(1));
            if (line != null && line.contains(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line-based connection from a client through a proxy, frozen in one direction, to a
     * plain socket target; the proxy knows no protocol, so lines show what crosses it.
     */
    private static final class Connection implements AutoCloseable {
        final ServerSocket target;
        final TcpProxy proxy;
        final Socket client;
        final Socket server;
        final LineReader received;
        final LineReader answers;

        private Connection(ServerSocket target, TcpProxy proxy, Socket client, Socket server) throws IOException {
            this.target = target;
            this.proxy = proxy;
            this.client = client;
            this.server = server;
            this.received = new LineReader(server.getInputStream(), "test-target-reader");
            this.answers = new LineReader(client.getInputStream(), "test-client-reader");
        }

        static Connection through(TcpProxy.Direction frozen) throws IOException {
            ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            TcpProxy proxy = TcpProxy.start("127.0.0.1", target.getLocalPort());
            Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
            Connection connection = new Connection(target, proxy, client, target.accept());
            proxy.freeze(frozen);
            return connection;
        }

        void send(Socket from, String line) throws IOException {
            OutputStream out = from.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
            proxy.close();
            target.close();
        }
    }
}
