package dev.baton.chaos.fault;

import dev.baton.chaos.ChaosCommand;
import dev.baton.chaos.workload.ResourceProbe;
import dev.baton.testkit.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The embedded server as {@code baton server} in its own JVM, durable in a data directory; the
 * fault target is the whole server, killed with -9 and started again on the same directory and
 * port.
 */
public final class EmbeddedServerStore implements StoreTarget {

    private static final String MAIN = "dev.baton.cli.BatonCommand";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Clients reconnect with backoff after the restart; five seconds allow for it. */
    private static final Duration FAILOVER = Duration.ofSeconds(5);

    private final int port;
    private final Path dataDir;
    private ChildJvm server;

    private EmbeddedServerStore(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    public static EmbeddedServerStore start(Path dataDir) {
        EmbeddedServerStore store = new EmbeddedServerStore(freePort(), dataDir);
        store.launch();
        return store;
    }

    @Override
    public List<String> endpoints() {
        return List.of("http://127.0.0.1:" + port);
    }

    @Override
    public List<Integer> ports() {
        return List.of(port);
    }

    @Override
    public Duration failoverAllowance() {
        return FAILOVER;
    }

    @Override
    public synchronized Map<String, Long> jvmProcesses() {
        return server.isAlive() ? Map.of("server", server.pid()) : Map.of();
    }

    /** kill -9: nothing acknowledged may be lost. */
    synchronized void kill() {
        server.kill();
    }

    /**
     * Fills the server's disk: from now on no file the server writes can grow past the largest
     * file in its data directory plus {@code slack} bytes, so the next log write fails as on a full
     * disk, partway through a record when {@code slack} cuts one. It is the file-size limit
     * (RLIMIT_FSIZE), set on the running server with util-linux's {@code prlimit}, which needs no
     * root, unlike a small filesystem; the JVM ignores SIGXFSZ, so the write fails with EFBIG.
     */
    synchronized void fillDisk(int slack) {
        long largest;
        try (Stream<Path> files = Files.walk(dataDir)) {
            largest = files.filter(Files::isRegularFile).mapToLong(EmbeddedServerStore::size).max().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the data directory " + dataDir, e);
        }
        server.limitFileSize(largest + slack);
    }

    /** Space returns: the server's files may grow again. */
    synchronized void freeDisk() {
        server.limitFileSize(-1);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            // Replaced by a snapshot meanwhile.
            return 0;
        }
    }

    /** Starts the server again on the same port and data directory; returns once it serves. */
    synchronized void restart() {
        server.close();
        launch();
    }

    private void launch() {
        server = ChildJvm.builder(MAIN)
                .jvmArgs("-Xmx512m").jvmArgs(ChaosCommand.childLogging()).jvmArgs(ResourceProbe.sampledJvmArgs())
                .args("server", "--listen", "127.0.0.1:" + port, "--data-dir", dataDir.toString())
                .start();
        server.awaitLine("serving", START_TIMEOUT);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the embedded server", e);
        }
    }

    @Override
    public synchronized void close() {
        server.close();
    }
}
