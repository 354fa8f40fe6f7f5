package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running a command task: argv without a shell, its environment, output tail, exit, timeout, stop. */
class CommandExecutionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static CommandExecution.Claim claim(String taskId) {
        return new CommandExecution.Claim(taskId, 42, "ns/tasks/" + taskId + "/owner");
    }

    private static CommandResult run(String... argv) throws Exception {
        return CommandExecution.run(new CommandTask(List.of(argv), Optional.empty()), claim("t-1"), () -> false);
    }

    @Test
    void argvIsExecutedWithoutAShellAndSeesItsClaim() throws Exception {
        CommandResult result = run("sh", "-c",
                "echo \"$BATON_TASK_ID $BATON_TASK_TOKEN $BATON_TASK_OWNER_KEY\" '$HOME'; echo err >&2");
        assertThat(result.succeeded()).isTrue();
        assertThat(result.output()).isEqualTo("t-1 42 ns/tasks/t-1/owner $HOME\nerr\n");
        assertThat(run("echo", "$HOME", "a;b").output()).isEqualTo("$HOME a;b\n");
    }

    @Test
    void aNonZeroExitIsAFailureWithItsOutput() throws Exception {
        CommandResult result = run("sh", "-c", "echo boom; exit 3");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.failureMessage()).startsWith("exit code 3 after ").endsWith("; output:\nboom\n");
    }

    @Test
    void onlyTheLastFourKibOfOutputAreKept() throws Exception {
        CommandResult result = run("sh", "-c", "head -c 10000 /dev/zero | tr '\\0' a; echo END");
        assertThat(result.output()).hasSize(CommandExecution.OUTPUT_TAIL_BYTES).endsWith("aaaEND\n");
        assertThat(result.failureMessage()).hasSizeLessThanOrEqualTo(TaskState.MAX_ERROR_CHARS);
    }

    @Test
    void aRunPastItsTimeoutIsKilledAndFails() throws Exception {
        CommandTask task = new CommandTask(List.of("sleep", "30"), Optional.of(Duration.ofMillis(300)));
        CommandResult result = CommandExecution.run(task, claim("t-2"), () -> false);
        assertThat(result.timedOut()).isTrue();
        assertThat(result.succeeded()).isFalse();
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aStopRequestTerminatesTheProcess() {
        AtomicBoolean stop = new AtomicBoolean();
        CommandTask task = new CommandTask(List.of("sleep", "30"), Optional.empty());
        new Thread(() -> stop.set(true)).start();
        assertThatThrownBy(() -> CommandExecution.run(task, claim("t-3"), stop::get))
                .isInstanceOf(CommandExecution.Stopped.class);
    }

    @Test
    void aStopEndsTheCommandsChildrenToo(@TempDir Path dir) {
        Path childPid = dir.resolve("child.pid");
        AtomicBoolean stop = new AtomicBoolean();
        CommandTask task = new CommandTask(List.of("sh", "-c", "sleep 300 & echo $! > " + childPid + "; wait"),
                Optional.empty());
        new Thread(() -> {
            await().atMost(TIMEOUT).until(() -> Files.exists(childPid) && Files.size(childPid) > 0);
            stop.set(true);
        }).start();

        assertThatThrownBy(() -> CommandExecution.run(task, claim("t-4"), stop::get))
                .isInstanceOf(CommandExecution.Stopped.class);
        await().atMost(TIMEOUT).until(() -> !TaskProcesses.isRunning(TaskProcesses.readPid(childPid)));
    }

    @Test
    void whatACommandLeavesRunningEndsWithIt() throws Exception {
        CommandResult result = run("sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!");

        assertThat(result.succeeded()).isTrue();
        long leftover = Long.parseLong(result.output().trim());
        await().atMost(TIMEOUT).until(() -> !TaskProcesses.isRunning(leftover));
    }

    @Test
    void aMissingProgramFailsNamingIt() throws Exception {
        CommandResult result = run("/no/such/program");

        assertThat(result.succeeded()).isFalse();
        assertThat(result.output()).contains("/no/such/program");
    }

    @Test
    void aTaskRoundTripsThroughItsProperties() {
        CommandTask task = new CommandTask(List.of("sh", "-c", "exit 0"), Optional.of(Duration.ofSeconds(60)));
        assertThat(task.toProperties().json()).isEqualTo("{\"argv\":[\"sh\",\"-c\",\"exit 0\"],\"timeout\":\"PT1M\"}");
        assertThat(CommandTask.from(task.toProperties())).isEqualTo(task);
        assertThatThrownBy(() -> CommandTask.from(TaskProperties.parse("{\"argv\":\"ls\"}")))
                .hasMessageContaining("no \"argv\" array");
    }

    @Test
    void aResultRoundTripsThroughJson() {
        CommandResult result = new CommandResult(0, Duration.ofMillis(42), false, "hi\n");
        assertThat(CommandResult.fromJson(result.toJson())).contains(result);
        assertThat(CommandResult.fromJson("not json")).isEmpty();
    }
}
