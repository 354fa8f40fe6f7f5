package dev.baton.server.differential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary directories on a RAM-backed file system when the machine has one, so that the
 * thousands of fsyncs of a differential run cost nothing; elsewhere ordinary temp directories.
 */
final class FastTempDirs {
    private static final Path SHM = Path.of("/dev/shm");

    private FastTempDirs() {
    }

    static Path create(String prefix) {
        try {
            if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
                return Files.createTempDirectory(SHM, prefix);
            }
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
