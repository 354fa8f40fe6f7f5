package dev.baton.bench;

import dev.baton.server.EmbeddedEtcd;
import java.nio.file.Path;

/**
 * The embedded server in its own JVM, as real etcd runs in its own process:
 * {@code <data dir>}. Prints {@code READY <endpoint>} once serving; serves until killed.
 */
public final class EmbeddedServerMain {
    private EmbeddedServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        GrpcLogs.quiet();
        EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(Path.of(args[0])).build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(etcd::close, "embedded-server-shutdown"));
        System.out.println("READY " + etcd.endpoint());
        System.out.flush();
        Thread.currentThread().join();
    }
}
