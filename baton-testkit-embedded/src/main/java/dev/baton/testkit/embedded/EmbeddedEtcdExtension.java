package dev.baton.testkit.embedded;

import dev.baton.server.EmbeddedEtcd;
import dev.baton.testkit.ScopedFixtureExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * JUnit 5 extension that runs Baton's {@link EmbeddedEtcd} for tests: no etcd binary, no other
 * process, a start of a few tens of milliseconds.
 *
 * <pre>{@code
 * class OrdersTest {
 *     @RegisterExtension
 *     static final EmbeddedEtcdExtension etcd = new EmbeddedEtcdExtension();   // one server for the class
 *
 *     @Test
 *     void submitsAnOrder() {
 *         Etcd client = etcd.add(Etcd.builder().endpoints(etcd.endpoint()).build());
 *         TaskClient tasks = TaskClient.create(client, etcd.namespace());    // keys of this test only
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>On a static field one server serves every test of the class; on an instance field each test
 * method gets its own. {@link #namespace()} keeps tests that share a server apart, and
 * {@link #add} closes what a test opened (clients, sessions, members) before the server stops.
 * The data lives in memory, or with {@link #onDisk()} in a temporary directory deleted after the
 * server closes. The server listens on a free port of 127.0.0.1.
 */
public final class EmbeddedEtcdExtension extends ScopedFixtureExtension<EmbeddedEtcdExtension.Running> {
    private final boolean onDisk;
    private final Consumer<EmbeddedEtcd.Builder> options;

    /** A server that keeps its data in memory. */
    public EmbeddedEtcdExtension() {
        this(false, builder -> { });
    }

    /** A server that keeps its data in memory, with options, e.g. {@code b -> b.maxRequestBytes(64 * 1024)}. */
    public EmbeddedEtcdExtension(Consumer<EmbeddedEtcd.Builder> options) {
        this(false, options);
    }

    private EmbeddedEtcdExtension(boolean onDisk, Consumer<EmbeddedEtcd.Builder> options) {
        this.onDisk = onDisk;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A server that keeps its data in a temporary directory, as a deployed one keeps it in its data directory. */
    public static EmbeddedEtcdExtension onDisk() {
        return onDisk(builder -> { });
    }

    /** {@link #onDisk()} with options, e.g. {@code b -> b.fsync(false)}. */
    public static EmbeddedEtcdExtension onDisk(Consumer<EmbeddedEtcd.Builder> options) {
        return new EmbeddedEtcdExtension(true, options);
    }

    /** The running server. */
    public EmbeddedEtcd server() {
        return fixture().server();
    }

    /** The running server's client URL, {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return server().endpoint();
    }

    /** The running server's data directory; empty when it keeps its data in memory. */
    public Optional<Path> dataDir() {
        return Optional.ofNullable(fixture().dataDir());
    }

    @Override
    protected Running startFixture() {
        EmbeddedEtcd.Builder builder = EmbeddedEtcd.builder().listen("127.0.0.1", 0).inMemory();
        Path dataDir = null;
        if (onDisk) {
            dataDir = createTempDir();
            builder.dataDir(dataDir);
        }
        options.accept(builder);
        try {
            return new Running(builder.build().start(), dataDir);
        } catch (RuntimeException e) {
            deleteRecursively(dataDir);
            throw e;
        }
    }

    @Override
    protected String describe() {
        return "EmbeddedEtcdExtension's server";
    }

    /** A started server and the temporary directory it owns, if any. */
    record Running(EmbeddedEtcd server, Path dataDir) implements AutoCloseable {
        /** Closes the server, then deletes its temporary directory. */
        @Override
        public void close() {
            try {
                server.close();
            } finally {
                deleteRecursively(dataDir);
            }
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("baton-embedded-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for the embedded server", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the embedded server's data directory " + dir, e);
        }
    }
}
