package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.ChildJvm;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code baton demo}: every task completes although a worker crashes half way, and the summary says so. */
class DemoCommandTest {

    @Test
    void aCrashedWorkersTasksAreTakenOverAndEveryTaskCompletes() {
        try (ChildJvm demo = ChildJvm.builder(BatonCommand.class)
                .args("demo", "--duration", "120s", "--http", "127.0.0.1:0", "--tasks", "12").start()) {
            demo.awaitLine(line -> line.contains("dashboard http://127.0.0.1:"), Duration.ofSeconds(60));

            assertThat(demo.exitCode(Duration.ofSeconds(150))).isZero();
            assertThat(demo.lines()).anyMatch(line -> line.matches(".*crash +worker-\\d hard-stopped.*"));
            assertThat(demo.lines()).anyMatch(line -> line.matches(".*takeover survivors took over.*"));
            assertThat(demo.lines()).contains("  tasks completed     12 of 12", "demo: every task completed");
        }
    }
}
