package dev.baton.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the etcd and etcdctl binaries the fixtures run. */
final class Executables {

    /** Environment variable naming the etcd binary; takes precedence over {@code PATH}. */
    static final String ETCD_ENV = "BATON_ETCD";
    /** Environment variable naming the etcdctl binary; takes precedence over the other places. */
    static final String ETCDCTL_ENV = "BATON_ETCDCTL";

    private Executables() {
    }

    /** The etcd binary: {@code $BATON_ETCD}, else {@code etcd} on {@code PATH}. */
    static Path etcd() {
        String configured = System.getenv(ETCD_ENV);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(
                        ETCD_ENV + "=" + configured + " does not name an executable etcd binary");
            }
            return path;
        }
        return onPath("etcd").orElseThrow(() -> new IllegalStateException(
                "etcd binary not found: environment variable " + ETCD_ENV + " is not set and there is no"
                        + " 'etcd' on PATH (" + System.getenv("PATH") + "); install etcd 3.4+ or set "
                        + ETCD_ENV + " to its path"));
    }

    /**
     * The etcdctl binary: {@code $BATON_ETCDCTL}, else the {@code etcdctl} next to the etcd
     * binary, else {@code etcdctl} on {@code PATH}.
     */
    static Path etcdctl() {
        String configured = System.getenv(ETCDCTL_ENV);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(
                        ETCDCTL_ENV + "=" + configured + " does not name an executable etcdctl binary");
            }
            return path;
        }
        Optional<Path> besideEtcd = etcdIfPresent()
                .map(etcd -> etcd.toAbsolutePath().resolveSibling("etcdctl"))
                .filter(Files::isExecutable);
        return besideEtcd.or(() -> onPath("etcdctl")).orElseThrow(() -> new IllegalStateException(
                "etcdctl binary not found: environment variable " + ETCDCTL_ENV + " is not set, there is no"
                        + " etcdctl next to the etcd binary and none on PATH (" + System.getenv("PATH") + ")"));
    }

    private static Optional<Path> etcdIfPresent() {
        try {
            return Optional.of(etcd());
        } catch (IllegalStateException notFound) {
            return Optional.empty();
        }
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
