package dev.baton.server.differential;

import dev.baton.server.EmbeddedEtcd;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** An embedded server with fsync on, in a fresh fast temporary directory that is deleted with it. */
final class ScratchServer implements AutoCloseable {
    private final Path dir;
    private final EmbeddedEtcd server;

    private ScratchServer(Path dir, EmbeddedEtcd server) {
        this.dir = dir;
        this.server = server;
    }

    static ScratchServer start() {
        return start(UnaryOperator.identity());
    }

    /** Starts a server built with {@code options} on top of its data directory. */
    static ScratchServer start(UnaryOperator<EmbeddedEtcd.Builder> options) {
        Path dir = FastTempDirs.create("baton-embedded-");
        return new ScratchServer(dir, options.apply(EmbeddedEtcd.builder().dataDir(dir)).build().start());
    }

    String endpoint() {
        return server.endpoint();
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        server.close();
        FastTempDirs.delete(dir);
    }
}
