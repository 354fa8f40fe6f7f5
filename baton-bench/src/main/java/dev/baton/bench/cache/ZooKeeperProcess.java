package dev.baton.bench.cache;

import dev.baton.testkit.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A standalone ZooKeeper server ({@code ZooKeeperServerMain}, the version Curator's test kit
 * brings) in its own JVM, so its heap is not the benchmark's: data and transaction log on disk
 * in the given directory, fsync on (ZooKeeper's default), no admin server, packets up to
 * {@link #MAX_PACKET_BYTES} (the default 1 MiB cannot list a parent with a million children).
 */
final class ZooKeeperProcess implements AutoCloseable {
    static final int MAX_PACKET_BYTES = 64 << 20;
    private static final String MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain";
    /** ZooKeeper's heartbeat unit: sessions can be as short as two ticks. */
    private static final int TICK_MILLIS = 500;

    private final ChildJvm jvm;
    private final String connectString;

    private ZooKeeperProcess(ChildJvm jvm, String connectString) {
        this.jvm = jvm;
        this.connectString = connectString;
    }

    /** Starts the server with its files in {@code dir} and a heap of at most {@code maxHeap} (e.g. "3g"). */
    static ZooKeeperProcess start(Path dir, String maxHeap) {
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
            return new ZooKeeperProcess(jvm, "127.0.0.1:" + port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up ZooKeeper in " + dir, e);
        }
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
