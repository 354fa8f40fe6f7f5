package dev.baton.bench.cache;

import dev.baton.testkit.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A standalone ZooKeeper server ({@code ZooKeeperServerMain}, the version Curator's test kit
 * brings) in its own JVM, so its heap is not the benchmark's: data and transaction log on disk
 * in the given directory, fsync on (ZooKeeper's default), no admin server, packets up to
 * {@link #MAX_PACKET_BYTES} (the default 1 MiB cannot list a parent with a million children).
 */
final class ZooKeeperProcess implements AutoCloseable {
    static final int MAX_PACKET_BYTES = 64 << 20;
    /** Enough for a million znodes of 100 bytes with a recursive watch on them. */
    static final String HEAP = "3g";
    private static final String MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain";
    /** ZooKeeper's heartbeat unit: sessions can be as short as two ticks. */
    private static final int TICK_MILLIS = 500;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);

    private final ChildJvm jvm;
    private final int port;
    private final String connectString;

    private ZooKeeperProcess(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
        this.connectString = "127.0.0.1:" + port;
    }

    /**
     * Starts the server's JVM with its files in {@code dir} and a heap of at most {@code maxHeap}
     * (e.g. "3g") and returns at once; {@link #awaitServing()} waits until clients can use it.
     */
    static ZooKeeperProcess launch(Path dir, String maxHeap) {
        try {
            int port = freePort();
            Path data = Files.createDirectories(dir.resolve("data"));
            Path config = dir.resolve("zoo.cfg");
            Files.writeString(config, String.join("\n",
                    "tickTime=" + TICK_MILLIS,
                    "dataDir=" + data,
                    "clientPortAddress=127.0.0.1",
                    "clientPort=" + port,
                    "maxClientCnxns=0",
                    "admin.enableServer=false",
                    "") + "\n");
            ChildJvm jvm = ChildJvm.builder(MAIN)
                    // A long-running server: the compiler's full tiers instead of the quick-start default.
                    .jvmArgs("-Xmx" + maxHeap, "-XX:TieredStopAtLevel=4", "-Djute.maxbuffer=" + MAX_PACKET_BYTES)
                    .args(config.toString())
                    .start();
            return new ZooKeeperProcess(jvm, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up ZooKeeper in " + dir, e);
        }
    }

    /**
     * Asks the server's {@code srvr} command (the one four-letter command ZooKeeper allows by
     * default) until it answers that it serves, so clients never meet a server still starting.
     */
    void awaitServing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
                socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (answer.contains("Mode: ")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet, or not answering yet.
            }
            if (!jvm.isAlive() || System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(this + " did not start serving within " + START_TIMEOUT
                        + "; its last output: " + lastLines(jvm.errorLines()));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + this, e);
            }
        }
    }

    private static List<String> lastLines(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 20), lines.size());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** {@code host:port} for a ZooKeeper client; the server may still be starting. */
    String connectString() {
        return connectString;
    }

    @Override
    public void close() {
        jvm.close();
    }

    @Override
    public String toString() {
        return "ZooKeeper at " + connectString + " (pid " + jvm.pid() + ")";
    }
}
