package dev.baton.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a log file, for error messages. */
final class LogTail {

    static final int DEFAULT_LINES = 40;

    private LogTail() {
    }

    /** The last {@code lines} lines of {@code file}, or a note saying why they cannot be read. */
    static String of(Path file, int lines) {
        try {
            List<String> all = read(file).lines().toList();
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** True when the part of {@code file} after byte {@code offset} contains {@code text}. */
    static boolean containsAfter(Path file, long offset, String text) {
        try {
            if (!Files.exists(file)) {
                return false;
            }
            byte[] bytes = Files.readAllBytes(file);
            int from = (int) Math.min(offset, bytes.length);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    // Decoding the raw bytes replaces malformed input instead of failing on it.
    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
