package dev.baton.bench.tasks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the directory holding PostgreSQL's {@code initdb} and {@code postgres}: the one named by
 * {@value #ENV}, else the first directory of {@code PATH} holding both, else the newest version
 * of Debian's layout, {@code /usr/lib/postgresql/<version>/bin}.
 */
final class PostgresBinaries {
    /** Environment variable naming the directory of {@code initdb} and {@code postgres}. */
    static final String ENV = "BATON_POSTGRES_BIN";
    static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final List<String> PROGRAMS = List.of("initdb", "postgres");

    private PostgresBinaries() {
    }

    /** The directory of this machine's PostgreSQL programs. */
    static Path find() {
        return find(System.getenv(ENV), System.getenv("PATH"), DEBIAN_ROOT);
    }

    /**
     * The directory from {@code configured} (the environment variable's value, or null), else
     * from the {@code path} directories, else the newest version under {@code debianRoot}.
     *
     * @throws IllegalStateException naming what was searched when there is none
     */
    static Path find(String configured, String path, Path debianRoot) {
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured);
            if (!complete(dir)) {
                throw new IllegalStateException(ENV + "=" + configured
                        + " is not a directory holding executable initdb and postgres programs");
            }
            return dir;
        }
        List<Path> candidates = new ArrayList<>();
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir));
                }
            }
        }
        newestFirst(debianRoot).forEach(candidates::add);
        return candidates.stream().filter(PostgresBinaries::complete).findFirst()
                .orElseThrow(() -> new IllegalStateException("PostgreSQL's initdb and postgres not found: " + ENV
                        + " is not set, and neither PATH (" + path + ") nor " + debianRoot
                        + "/<version>/bin holds both; install Debian's postgresql package or set " + ENV));
    }

    /** The {@code <version>/bin} directories under {@code root}, highest version first. */
    static List<Path> newestFirst(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(dir -> dir.getFileName().toString()).map(PostgresBinaries::version)
                    .flatMap(Optional::stream).sorted(Comparator.reverseOrder())
                    .map(version -> root.resolve(version.name()).resolve("bin")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /** A directory name such as {@code 15} or {@code 9.6}, ordered by its numbers. */
    record Version(String name, int major, int minor) implements Comparable<Version> {
        @Override
        public int compareTo(Version other) {
            return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
        }
    }

    /** The version a directory name stands for; empty for any other name. */
    static Optional<Version> version(String name) {
        if (!name.matches("\\d{1,4}(\\.\\d{1,4})?")) {
            return Optional.empty();
        }
        String[] parts = name.split("\\.");
        return Optional.of(new Version(name, Integer.parseInt(parts[0]),
                parts.length > 1 ? Integer.parseInt(parts[1]) : 0));
    }

    private static boolean complete(Path dir) {
        return PROGRAMS.stream().map(dir::resolve).allMatch(p -> Files.isRegularFile(p) && Files.isExecutable(p));
    }
}
