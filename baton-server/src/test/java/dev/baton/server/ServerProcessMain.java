package dev.baton.server;

import java.nio.file.Path;

/**
 * Runs an embedded server in its own JVM for tests that kill it: {@code <data dir> [<quota bytes>]}.
 * Prints {@code READY <endpoint>} once serving, then serves until killed.
 */
public final class ServerProcessMain {
    private ServerProcessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedEtcd.Builder builder = EmbeddedEtcd.builder().dataDir(Path.of(args[0]));
        if (args.length > 1) {
            builder.quotaBackendBytes(Long.parseLong(args[1]));
        }
        EmbeddedEtcd etcd = builder.build().start();
        System.out.println("READY " + etcd.endpoint());
        System.out.flush();
        Thread.currentThread().join();
    }
}
