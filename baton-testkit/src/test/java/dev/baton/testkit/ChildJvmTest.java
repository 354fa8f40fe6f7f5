package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChildJvmTest {

    private static final Duration START = Duration.ofSeconds(60);

    /** Prints a readiness line, then waits to be signalled. */
    public static final class WaitingMain {
        public static void main(String[] args) throws InterruptedException {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
            System.out.println("ready role=" + System.getProperty("role") + " args=" + Arrays.toString(args));
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** Prints on both streams and exits with code 3. */
    public static final class ExitingMain {
        public static void main(String[] args) {
            System.out.println("about to exit");
            System.err.println("complaint on stderr");
            System.exit(3);
        }
    }

    @Test
    void runsAMainClassWithArgsAndPropertiesAndDiesOnKill() {
        try (ChildJvm child = ChildJvm.builder(WaitingMain.class).systemProperty("role", "leader").args("a", "b").start()) {
            String ready = child.awaitLine("^ready", START);

            assertThat(ready).isEqualTo("ready role=leader args=[a, b]");
            assertThat(child.lines()).contains(ready);
            assertThat(child.isAlive()).isTrue();

            child.kill();

            assertThat(child.exitCode(Duration.ofSeconds(30))).isEqualTo(137);
            assertThat(ProcessHandle.of(child.pid())).isEmpty();
            assertThat(child.lines()).doesNotContain("shutdown hook ran");
        }
    }

    @Test
    void terminateRunsShutdownHooks() {
        try (ChildJvm child = ChildJvm.start(WaitingMain.class)) {
            child.awaitLine(line -> line.startsWith("ready"), START);

            child.terminate();

            assertThat(child.exitCode(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(child.awaitLine("shutdown hook ran", Duration.ofSeconds(30))).isNotNull();
        }
    }

    @Test
    void exitCodeAndBothStreamsOfAChildThatExits() {
        try (ChildJvm child = ChildJvm.start(ExitingMain.class)) {
            assertThat(child.exitCode(START)).isEqualTo(3);
            assertThat(child.awaitLine("about to exit", Duration.ofSeconds(30))).isEqualTo("about to exit");
            await().atMost(Duration.ofSeconds(30)).until(() -> child.errorLines().contains("complaint on stderr"));

            assertThatThrownBy(() -> child.awaitLine("never printed", Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited without printing")
                    .hasMessageContaining("complaint on stderr");
        }
    }

    @Test
    void awaitLineGivesUpAfterItsTimeoutWhileTheChildRuns() {
        try (ChildJvm child = ChildJvm.start(WaitingMain.class)) {
            child.awaitLine("^ready", START);
            int seen = child.lines().size();

            assertThatThrownBy(() -> child.awaitLine(seen, line -> true, Duration.ofMillis(300)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("within PT0.3S");
        }
    }

    @Test
    void pauseStopsTheProcessAndResumeContinuesIt() {
        try (ChildJvm child = ChildJvm.start(WaitingMain.class)) {
            child.awaitLine("^ready", START);

            child.pause();
            await().atMost(Duration.ofSeconds(30)).until(() -> processState(child.pid()) == 'T');

            child.resume();
            await().atMost(Duration.ofSeconds(30)).until(() -> processState(child.pid()) != 'T');
            assertThat(child.isAlive()).isTrue();
        }
    }

    @Test
    void closeKillsAPausedChildAndIsIdempotent() {
        ChildJvm child = ChildJvm.start(WaitingMain.class);
        child.awaitLine("^ready", START);
        child.pause();

        child.close();
        child.close();

        assertThat(child.isAlive()).isFalse();
        assertThat(ProcessHandle.of(child.pid())).isEmpty();
    }

    @Test
    void blankMainClassNameIsRejected() {
        assertThatThrownBy(() -> ChildJvm.builder(" ")).hasMessageContaining("' '");
    }

    /** The state letter of a Linux process: 'T' when stopped by a signal. */
    static char processState(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
