package dev.baton.bench.tasks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the machine's installation ({@link PostgresBinaries}) in its own
 * process: a fresh cluster in a temporary directory, listening on a free loopback port only
 * (no Unix socket), fsync on, clients trusted. PostgreSQL refuses to run as root, so when this
 * JVM is root the cluster belongs to {@value #UNPRIVILEGED_USER} and both programs run as that
 * user through {@code setpriv}. Stopped by its pid (SIGTERM, SIGKILL after a bound), then its
 * directory is removed.
 */
final class PostgresProcess implements AutoCloseable {
    /** The database superuser the cluster is created with. */
    static final String USER = "postgres";
    static final String UNPRIVILEGED_USER = "nobody";
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Process process;
    private final String jdbcUrl;
    private boolean closed;

    private PostgresProcess(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.jdbcUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Creates a cluster and starts serving it; returns once it accepts connections. */
    static PostgresProcess start() {
        Path bin = PostgresBinaries.find();
        Path dir;
        try {
            dir = Files.createTempDirectory("baton-bench-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for PostgreSQL", e);
        }
        Process process = null;
        try {
            List<String> prefix = runAsUnprivileged(dir);
            Path data = dir.resolve("data");
            Path initdbLog = dir.resolve("initdb.log");
            Process initdb = launch(prefix, dir, initdbLog, bin.resolve("initdb").toString(), "-D", data.toString(),
                    "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C");
            if (!initdb.waitFor(INITDB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                initdb.destroyForcibly();
                throw new IllegalStateException("initdb did not finish within " + INITDB_TIMEOUT.toSeconds()
                        + " s; its output: " + tail(initdbLog));
            }
            if (initdb.exitValue() != 0) {
                throw new IllegalStateException("initdb exited with " + initdb.exitValue() + "; its output: "
                        + tail(initdbLog));
            }
            int port = freePort();
            Path log = dir.resolve("postgres.log");
            process = launch(prefix, dir, log, bin.resolve("postgres").toString(), "-D", data.toString(),
                    "-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1",
                    "-c", "unix_socket_directories=", "-c", "fsync=on", "-c", "max_connections=200");
            PostgresProcess postgres = new PostgresProcess(dir, process, port);
            postgres.awaitServing(log);
            return postgres;
        } catch (IOException e) {
            throw abandon(process, dir, new UncheckedIOException("cannot start PostgreSQL from " + bin, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw abandon(process, dir, new IllegalStateException("interrupted while starting PostgreSQL", e));
        } catch (RuntimeException e) {
            throw abandon(process, dir, e);
        }
    }

    /** Stops what a failed start left running and removes its directory; returns {@code failure}. */
    private static RuntimeException abandon(Process process, Path dir, RuntimeException failure) {
        try {
            stop(process);
            delete(dir);
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
        return failure;
    }

    /** The JDBC URL of the {@code postgres} database, for user {@link #USER} (no password). */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * The command prefix that runs a program as {@value #UNPRIVILEGED_USER} when this JVM is root
     * (after handing {@code dir} to that user), else nothing.
     */
    private static List<String> runAsUnprivileged(Path dir) throws IOException, InterruptedException {
        if (!"0".equals(id("-u"))) {
            return List.of();
        }
        int uid = Integer.parseInt(id("-u", UNPRIVILEGED_USER));
        int gid = Integer.parseInt(id("-g", UNPRIVILEGED_USER));
        Files.setAttribute(dir, "unix:uid", uid);
        Files.setAttribute(dir, "unix:gid", gid);
        String setpriv = onPath("setpriv").orElseThrow(() -> new IllegalStateException(
                "PostgreSQL refuses to run as root and setpriv (util-linux), which would run it as "
                        + UNPRIVILEGED_USER + ", is not on PATH (" + System.getenv("PATH") + ")"));
        return List.of(setpriv, "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
    }

    /** What {@code id} prints for {@code args}, e.g. the current user's uid for {@code -u}. */
    private static String id(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("id"));
        command.addAll(List.of(args));
        Process id = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!id.waitFor(10, TimeUnit.SECONDS) || id.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static Optional<String> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).map(Path::toString).findFirst();
    }

    private static Process launch(List<String> prefix, Path dir, Path log, String... program) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(program));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /** Connects until a connection succeeds; fails early when the server exits. */
    private void awaitServing(Path log) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl, USER, "")) {
                return;
            } catch (SQLException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("PostgreSQL exited with " + process.exitValue()
                            + " before serving; its log: " + tail(log));
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("PostgreSQL did not accept connections at " + jdbcUrl
                            + " within " + START_TIMEOUT.toSeconds() + " s; its log: " + tail(log));
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** SIGTERM (PostgreSQL's smart shutdown), SIGKILL if it has not exited within the bound. */
    private static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete PostgreSQL's directory " + dir, e);
        }
    }

    /** Stops the server (its clients should have disconnected) and removes its directory; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(process);
        delete(dir);
    }

    /** The postmaster's process id; the backends serving connections are its children. */
    long pid() {
        return process.pid();
    }

    @Override
    public String toString() {
        return "PostgreSQL at " + jdbcUrl + " (pid " + process.pid() + ")";
    }
}
