package dev.baton.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker of {@code README.md}'s "A worker's lifetime" is {@link Worker}: shown there, and run here. */
class WorkerTest {
    static final Path SOURCE = Path.of("src/test/java/dev/baton/readme/Worker.java");

    @TempDir
    Path dataDir;

    @Test
    void theReadmeShowsTheWorkerThisTestCompiles() throws IOException {
        String program = Files.readString(SOURCE).replaceFirst("package [^;]+;\\s*", "");
        assertThat(Files.readString(Path.of("../README.md"))).contains(program);
    }

    @Test
    void theWorkerRunsTasksUntilSigtermThenLeavesNoKeyOfItsLease() throws Exception {
        try (EmbeddedEtcd server = EmbeddedEtcd.builder().listen("127.0.0.1", 0).dataDir(dataDir).build().start();
             Etcd etcd = Etcd.builder().endpoints(server.endpoint()).build();
             ChildJvm worker = ChildJvm.start(Worker.class, server.endpoint(), "worker-1")) {
            TaskClient.create(etcd, "myapp/").submit(TaskId.of("report"), TaskProperties.empty());
            worker.awaitLine("^ran report$", Duration.ofSeconds(30));

            worker.terminate();

            assertThat(worker.exitCode(Duration.ofSeconds(20))).isEqualTo(143);
            assertThat(etcd.range(KeyRange.prefix("myapp/")).get().kvs()).isNotEmpty()
                    .allSatisfy(key -> assertThat(key.lease()).as(key.key()).isZero());
        }
    }
}
