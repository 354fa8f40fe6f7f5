package dev.baton.election;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** Reads a child process's output line by line, stamping each with the monotonic instant it was read in this JVM. */
final class ProcessLines {
    record Line(String text, long readAtNanos) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private ProcessLines(InputStream output, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(new Line(line, System.nanoTime()));
                }
            } catch (IOException e) {
                lines.add(new Line("<output closed: " + e + ">", System.nanoTime()));
            }
        }, "test-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static ProcessLines of(Process process, String name) {
        return new ProcessLines(process.getInputStream(), name);
    }

    List<String> texts() {
        return lines.stream().map(Line::text).toList();
    }

    /** Waits for the first line matching {@code match} and returns it. */
    Line await(Predicate<String> match, Duration timeout) {
        Awaitility.await().atMost(timeout).until(() -> find(match) != null);
        return find(match);
    }

    Line find(Predicate<String> match) {
        return lines.stream().filter(line -> match.test(line.text())).findFirst().orElse(null);
    }
}
