package dev.baton.bench.tasks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

/**
 * A plain SQL script: statements separated by {@code ;}, with {@code --} comment lines. Meant
 * for the benchmark's own DDL, which has no {@code ;} or {@code --} inside literals.
 */
final class SqlScript {
    private SqlScript() {
    }

    /** The script's statements, comments and surrounding blanks removed, in order. */
    static List<String> statements(String script) {
        String withoutComments = String.join("\n",
                script.lines().filter(line -> !line.strip().startsWith("--")).toList());
        return Stream.of(withoutComments.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The statements of the class-path resource {@code name}. */
    static List<String> resource(String name) {
        try (InputStream in = SqlScript.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name + " on the class path");
            }
            return statements(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the resource " + name, e);
        }
    }
}
