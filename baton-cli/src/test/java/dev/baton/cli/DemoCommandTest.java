package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code baton demo}: every task completes although a worker crashes half way, and the summary says so. */
class DemoCommandTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(150);

    @Test
    void aCrashedWorkersTasksAreTakenOverAndEveryTaskCompletes() throws Exception {
        try (ChildJvm demo = ChildJvm.builder(BatonCommand.class)
                .args("demo", "--duration", "120s", "--http", "127.0.0.1:0", "--tasks", "12").start()) {
            demo.awaitLine(line -> line.contains("dashboard http://127.0.0.1:"), Duration.ofSeconds(60));

            assertThat(demo.exitCode(TIMEOUT)).isZero();
            assertThat(demo.lines()).anyMatch(line -> line.matches(".*crash +worker-\\d hard-stopped.*"));
            assertThat(demo.lines()).anyMatch(line -> line.matches(".*takeover survivors took over.*"));
            assertThat(demo.lines()).contains("  tasks completed     12 of 12", "demo: every task completed");
            assertThat(demo.lines()).anyMatch(line -> line.matches("ID +STATE +OWNER +FAILED-RUNS +EXIT +SINCE +RESULT +OUTPUT"))
                    .anyMatch(line -> line.matches("demo-12 +completed +- +0 +0 .*task 12 slept 1\\.3 s"));
            assertThat(demo.errorLines()).as("the library's log lines stay off the terminal").isEmpty();
            Path log = Path.of(group(demo.lines().stream().filter(line -> line.contains("log lines go to")).findFirst()
                    .orElseThrow(), "go to (\\S+)$"));
            assertThat(Files.readString(log)).contains("session opened").contains("lost");
            Files.delete(log);
        }
    }

    @Test
    void withKeepTheStoreStaysUpForOtherCommandsUntilTerminated() throws Exception {
        try (ChildJvm demo = ChildJvm.builder(BatonCommand.class)
                .args("demo", "--duration", "120s", "--http", "127.0.0.1:0", "--tasks", "4", "--keep").start()) {
            Path dataDir = Path.of(group(demo.awaitLine(line -> line.contains("(data in "), TIMEOUT),
                    "\\(data in (.+)\\)$"));
            String dashboard = group(demo.awaitLine(line -> line.contains("dashboard http://"), TIMEOUT), "(http://\\S+/)");
            String endpoint = group(demo.awaitLine(line -> line.contains("keep     running until interrupted"), TIMEOUT),
                    "--endpoints (\\S+)");

            try (ChildJvm tasks = ChildJvm.builder(BatonCommand.class).args("tasks", "--endpoints", endpoint).start()) {
                assertThat(tasks.exitCode(TIMEOUT)).isZero();
                List<String> rows = tasks.lines();
                assertThat(rows).hasSize(5).allMatch(row -> row.startsWith("ID ") || row.contains(" completed "));
                assertThat(tasks.errorLines()).as("a one-shot command logs nothing at INFO").isEmpty();
            }
            assertThat(demo.isAlive()).isTrue();
            assertThat(metrics(dashboard)).as("each finished task counted once")
                    .contains("baton_task_completions_total 4.0").contains("baton_task_failures_total 0.0");

            demo.terminate();
            assertThat(demo.exitCode(TIMEOUT)).as("the JVM's status after SIGTERM").isIn(0, 143);
            assertThat(demo.lines()).anyMatch(line -> line.contains("stop     shutting the demo down"));
            assertThat(dataDir).as("the demo's data directory is removed on exit").doesNotExist();
        }
    }

    private static String metrics(String dashboard) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(dashboard + "metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String group(String line, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(line);
        assertThat(matcher.find()).as("%s in %s", regex, line).isTrue();
        return matcher.group(1);
    }
}
