package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.RetryPolicy;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskInfo;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton submit --batch}, run in-process against real etcd. */
class SubmitBatchCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @TempDir
    Path dir;

    private String namespace;
    private Etcd etcd;
    private TaskClient client;

    @BeforeEach
    void connect() {
        namespace = "batch-" + UUID.randomUUID().toString().substring(0, 8);
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        client = TaskClient.create(etcd, namespace + "/");
    }

    @AfterEach
    void disconnect() {
        etcd.close();
    }

    private InProcessRun submit(String file) {
        return InProcessRun.baton("submit", "--endpoints", ETCD.endpoint(), "--namespace", namespace, "--batch", file);
    }

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("tasks.jsonl"), text);
    }

    @Test
    void aFileOfTasksIsSubmittedAndCounted() throws IOException {
        String lines = IntStream.range(0, 200)
                .mapToObj(i -> "{\"id\":\"job-" + i + "\",\"properties\":{\"argv\":[\"echo\",\"" + i + "\"]}"
                        + (i == 0 ? ",\"notBefore\":\"2030-01-01T00:00:00Z\"" : "") + "}")
                .collect(Collectors.joining("\n", "", "\n"));

        InProcessRun run = submit(file(lines).toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("submitted 200 of 200 tasks" + System.lineSeparator());
        List<TaskInfo> tasks = client.list();
        assertThat(tasks).hasSize(200);
        TaskInfo first = client.get(TaskId.of("job-0")).orElseThrow();
        assertThat(first.notBefore()).contains(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(first.properties()).contains(TaskProperties.parse("{\"argv\":[\"echo\",\"0\"]}"));
    }

    @Test
    void duplicatesAreNamedAndTheExitStatusIsOne() throws IOException {
        client.submit(TaskId.of("taken"), TaskProperties.empty());

        InProcessRun run = submit(file("{\"id\":\"fresh\"}\n{\"id\":\"taken\"}\n").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out().lines()).containsExactly("submitted 1 of 2 tasks", "duplicate taken");
        assertThat(client.get(TaskId.of("fresh"))).isPresent();
    }

    @Test
    void badLinesAreRefusedBeforeAnythingIsSubmitted() throws IOException {
        Path tasks = file("{\"id\":\"good\"}\n{\"id\":\"bad\",\"notBefore\":\"soon\"}\n{\"id\":\"good\"}\n");

        InProcessRun run = submit(tasks.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).containsExactly(
                "baton submit: " + tasks + " line 2: field \"notBefore\" must be an ISO-8601 instant such as "
                        + "\"2030-01-01T00:00:00Z\", is \"soon\"",
                "baton submit: " + tasks + " line 3: id \"good\" was already given on line 1",
                "baton submit: " + tasks + " has 2 bad lines; nothing was submitted");
        assertThat(client.list()).isEmpty();
    }

    @Test
    void standardInputIsReadForADash() {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream("{\"id\":\"piped\"}\n".getBytes(StandardCharsets.UTF_8)));
        try {
            InProcessRun run = submit("-");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("submitted 1 of 1 tasks" + System.lineSeparator());
        } finally {
            System.setIn(original);
        }
        assertThat(client.get(TaskId.of("piped"))).isPresent();
    }

    @Test
    void aCommandIsSubmittedWithItsRunTimeoutPriorityAndRetryPolicy() {
        InProcessRun run = InProcessRun.baton("submit", "--endpoints", ETCD.endpoint(), "--namespace", namespace,
                "--id", "urgent", "--timeout", "45s", "--priority", "8", "--max-attempts", "2", "--backoff", "90s",
                "--", "true");
        assertThat(run.exitCode()).as(run.err()).isZero();

        TaskInfo task = client.get(TaskId.of("urgent")).orElseThrow();
        assertThat(task.properties()).as("the run timeout is a task option, not a property of the command")
                .contains(TaskProperties.parse("{\"argv\":[\"true\"]}"));
        TaskOptions options = task.options().orElseThrow();
        assertThat(options.timeout()).contains(Duration.ofSeconds(45));
        assertThat(options.priority()).isEqualTo(8);
        RetryPolicy retry = options.retryPolicy().orElseThrow();
        assertThat(retry.maxAttempts()).isEqualTo(2);
        assertThat(retry.initialBackoff()).isEqualTo(Duration.ofSeconds(90));
        assertThat(retry.maxBackoff()).isEqualTo(Duration.ofSeconds(90));

        InProcessRun bad = InProcessRun.baton("submit", "--endpoints", ETCD.endpoint(), "--namespace", namespace,
                "--max-attempts", "0", "--", "true");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("maxAttempts must be at least 1, is 0");
    }

    @Test
    void aMissingFileAndAMixOfBatchAndCommandAreRefused() {
        InProcessRun missing = submit(dir.resolve("absent.jsonl").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("baton submit: cannot read " + dir.resolve("absent.jsonl")
                + ": no such file" + System.lineSeparator());

        InProcessRun mixed = InProcessRun.baton("submit", "--endpoints", ETCD.endpoint(), "--batch", "-", "--", "true");
        assertThat(mixed.exitCode()).isEqualTo(2);
        assertThat(mixed.err()).startsWith("--batch takes no CMD, --id, --after, --timeout, --priority");

        InProcessRun nothing = InProcessRun.baton("submit", "--endpoints", ETCD.endpoint());
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.err()).startsWith("Missing required parameter: 'CMD' (or --batch FILE)");
    }
}
