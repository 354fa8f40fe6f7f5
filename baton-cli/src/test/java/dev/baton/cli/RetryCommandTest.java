package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.RetryPolicy;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code baton tasks --state} and {@code baton retry} against real etcd. */
class RetryCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static ChildJvm baton(String... args) {
        return ChildJvm.builder(BatonCommand.class).args(args).start();
    }

    private static List<String> run(String... args) {
        try (ChildJvm command = baton(args)) {
            assertThat(command.exitCode(TIMEOUT)).as("exit code of baton %s", String.join(" ", args)).isZero();
            return command.lines();
        }
    }

    @Test
    void aFailedTaskIsListedByStateAndRetriedOnce() {
        String endpoint = ETCD.endpoint();
        try (Etcd etcd = Etcd.builder().endpoints(endpoint).build()) {
            TaskClient client = TaskClient.create(etcd);
            client.submit(TaskId.of("broken"), TaskProperties.empty());
            client.submit(TaskId.of("waiting"), TaskProperties.empty(), Instant.now().plusSeconds(3600));
            try (TaskMember member = TaskMember.builder(etcd, "m").sessionTtl(Duration.ofSeconds(2))
                    .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
                    .handler(context -> {
                        throw new IllegalStateException("broken on purpose");
                    }).start()) {
                await().atMost(TIMEOUT).until(() -> client.get(TaskId.of("broken")).orElseThrow().done());
            }
        }

        assertThat(run("tasks", "--endpoints", endpoint, "--state", "failed"))
                .hasSize(2).anyMatch(line -> line.startsWith("broken") && line.contains("failed"));
        assertThat(run("retry", "--endpoints", endpoint, "broken")).singleElement()
                .satisfies(line -> assertThat(Long.parseLong(line)).isPositive());
        assertThat(run("tasks", "--endpoints", endpoint, "--state", "failed")).hasSize(1);
        assertThat(run("tasks", "--endpoints", endpoint, "--state", "runnable"))
                .anyMatch(line -> line.startsWith("broken")).anyMatch(line -> line.startsWith("waiting"));

        try (ChildJvm again = baton("retry", "--endpoints", endpoint, "broken")) {
            assertThat(again.exitCode(TIMEOUT)).isEqualTo(1);
            assertThat(again.errorLines()).anyMatch(line -> line.contains("\"broken\" is not done"));
        }
        try (ChildJvm bogus = baton("tasks", "--endpoints", endpoint, "--state", "finished")) {
            assertThat(bogus.exitCode(TIMEOUT)).isEqualTo(2);
            assertThat(bogus.errorLines()).anyMatch(line -> line.contains("unknown --state 'finished'"));
        }
    }
}
