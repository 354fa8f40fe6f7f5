package dev.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps the etcd log of a failed test: copies it to
 * {@code <root>/<test class>/<test method or class>[-<member>].log}, where the default root is
 * {@code target/etcd-logs} under the working directory (the module directory in a Maven build).
 */
final class EtcdLogArchive {

    static final Path DEFAULT_ROOT = Path.of("target", "etcd-logs");

    private final Path root;

    EtcdLogArchive(Path root) {
        this.root = root.toAbsolutePath();
    }

    /**
     * Copies {@code log}, replacing an older copy of the same test.
     *
     * @param testClass the test class's binary name
     * @param testName the test method name, or the class's simple name for class-level failures
     * @param member the member name for a cluster, or null for a single process
     * @return the absolute path of the copy
     */
    Path copy(Path log, String testClass, String testName, String member) {
        String fileName = safe(testName) + (member == null ? "" : "-" + safe(member)) + ".log";
        Path target = root.resolve(safe(testClass)).resolve(fileName);
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(log)) {
                Files.copy(log, target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.writeString(target, "(etcd wrote no log: " + log + " does not exist)\n");
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + log + " to " + target, e);
        }
    }

    // Display names of parameterised tests can hold any character; file names cannot.
    static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._$-]", "_");
    }
}
