package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code baton worker}, {@code submit}, {@code tasks}, {@code members}, {@code leader} against real etcd. */
class WorkerCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static List<String> run(String... args) {
        try (ChildJvm command = ChildJvm.builder(BatonCommand.class).args(args).start()) {
            assertThat(command.exitCode(TIMEOUT)).as("exit code of baton %s", String.join(" ", args)).isZero();
            return command.lines();
        }
    }

    @Test
    void aWorkerRunsSubmittedCommandsAndTheListingsShowTheResult() {
        try (ChildJvm worker = ChildJvm.builder(BatonCommand.class)
                .args("worker", "--endpoints", ETCD.endpoint(), "--name", "w1", "--zone", "z1", "--ttl", "3s").start()) {
            worker.awaitLine(line -> line.startsWith("baton worker: w1 joined"), TIMEOUT);

            assertThat(run("submit", "--endpoints", ETCD.endpoint(), "--id", "hello", "--", "sh", "-c",
                    "echo hello from $BATON_TASK_ID")).containsExactly("hello");
            await().atMost(TIMEOUT).until(() -> run("tasks", "--endpoints", ETCD.endpoint()).stream()
                    .anyMatch(line -> line.startsWith("hello") && line.contains("completed")));

            assertThat(run("tasks", "--endpoints", ETCD.endpoint(), "--json"))
                    .anyMatch(line -> line.contains("hello from hello"));
            assertThat(run("members", "--endpoints", ETCD.endpoint()))
                    .anyMatch(line -> line.startsWith("w1") && line.contains("z1") && line.contains("*"));
            assertThat(run("leader", "--endpoints", ETCD.endpoint(), "--json"))
                    .anyMatch(line -> line.contains("\"name\" : \"w1\""));

            worker.terminate();
            assertThat(worker.exitCode(TIMEOUT)).as("a JVM ended by SIGTERM exits 128 + 15").isEqualTo(143);
            assertThat(worker.lines()).noneMatch(line -> line.contains("Exception"));
        }
        await().atMost(TIMEOUT).until(() -> run("members", "--endpoints", ETCD.endpoint()).size() == 1);
    }

    @Test
    void aDuplicateIdIsRefusedNamingIt() {
        run("submit", "--endpoints", ETCD.endpoint(), "--id", "twice", "--", "true");
        try (ChildJvm again = ChildJvm.builder(BatonCommand.class)
                .args("submit", "--endpoints", ETCD.endpoint(), "--id", "twice", "--", "true").start()) {
            assertThat(again.exitCode(TIMEOUT)).isEqualTo(1);
            assertThat(again.errorLines()).anyMatch(line -> line.contains("twice"));
        }
    }

    private static int exitCode(String... args) {
        try (ChildJvm command = ChildJvm.builder(BatonCommand.class).args(args).start()) {
            return command.exitCode(TIMEOUT);
        }
    }

    @Test
    void commandsAreStoredForTheirTargetAndBadOnesAreRefused() {
        run("submit", "--endpoints", ETCD.endpoint(), "--id", "queued", "--after", "1h", "--", "true");

        assertThat(run("command", "task", "--endpoints", ETCD.endpoint(), "queued", "pause"))
                .singleElement().asString().startsWith("baton/commands/tasks/queued/");
        assertThat(run("command", "member", "--endpoints", ETCD.endpoint(), "w9", "freeze"))
                .singleElement().asString().startsWith("baton/commands/members/w9/");
        assertThat(exitCode("command", "task", "--endpoints", ETCD.endpoint(), "absent", "pause")).isEqualTo(1);
        assertThat(exitCode("command", "task", "--endpoints", ETCD.endpoint(), "queued", "explode")).isEqualTo(2);
        assertThat(exitCode("command", "member", "--endpoints", ETCD.endpoint(), "w9", "release")).isEqualTo(2);
    }

    @Test
    void theLeaderPrunesFinishedTasksAfterTheRetention() {
        try (ChildJvm worker = ChildJvm.builder(BatonCommand.class)
                .args("worker", "--endpoints", ETCD.endpoint(), "--namespace", "pruning", "--name", "p1",
                        "--ttl", "3s", "--retention", "10s").start()) {
            worker.awaitLine(line -> line.startsWith("baton worker: p1 joined"), TIMEOUT);
            run("submit", "--endpoints", ETCD.endpoint(), "--namespace", "pruning", "--id", "short-lived", "--", "true");

            await().atMost(TIMEOUT).until(() -> run("tasks", "--endpoints", ETCD.endpoint(), "--namespace", "pruning")
                    .stream().anyMatch(line -> line.startsWith("short-lived") && line.contains("completed")));
            await().atMost(TIMEOUT).until(() -> run("tasks", "--endpoints", ETCD.endpoint(), "--namespace", "pruning")
                    .stream().noneMatch(line -> line.startsWith("short-lived")));
        }
    }

    @Test
    void aBadRetentionIsRefusedNamingTheValue() {
        InProcessRun run = InProcessRun.baton("worker", "--endpoints", ETCD.endpoint(), "--retention-count", "-1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("retention max count must be zero or positive, got -1");
    }
}
