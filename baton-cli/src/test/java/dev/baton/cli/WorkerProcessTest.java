package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code baton worker}'s task processes, the command's shell and the child it started, end with
 * the worker's claim: when the worker is killed with SIGKILL, and when its session is lost while
 * the worker still runs.
 */
class WorkerProcessTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private ChildJvm startWorker(String endpoint, String namespace) {
        ChildJvm worker = ChildJvm.builder(BatonCommand.class).args("worker", "--endpoints", endpoint,
                "--namespace", namespace, "--name", "w1", "--ttl", "2s").start();
        worker.awaitLine(line -> line.startsWith("baton worker: w1 joined"), TIMEOUT);
        return worker;
    }

    /**
     * Submits a shell that records its pid, starts a child recording its pid, and waits for it;
     * returns both pids once both run.
     */
    private long[] submitShellWithChild(String namespace) throws Exception {
        Path shellPid = dir.resolve("shell.pid");
        Path childPid = dir.resolve("child.pid");
        String script = "echo $$ > " + shellPid + "; sleep 300 & echo $! > " + childPid + "; wait";
        InProcessRun submit = InProcessRun.baton("submit", "--endpoints", ETCD.endpoint(), "--namespace", namespace,
                "--id", "long", "--", "sh", "-c", script);
        assertThat(submit.exitCode()).as(submit.err()).isZero();
        await().atMost(TIMEOUT).until(() -> Files.exists(childPid) && !Files.readString(childPid).isBlank());
        long[] pids = {TaskProcesses.readPid(shellPid), TaskProcesses.readPid(childPid)};
        assertThat(TaskProcesses.isRunning(pids[0])).as("the task's shell runs").isTrue();
        assertThat(TaskProcesses.isRunning(pids[1])).as("the task's child runs").isTrue();
        return pids;
    }

    private static void awaitGone(long[] pids) {
        await().atMost(TIMEOUT).until(() -> !TaskProcesses.isRunning(pids[0]) && !TaskProcesses.isRunning(pids[1]));
    }

    @Test
    void aKilledWorkersTaskProcessesDieWithIt() throws Exception {
        try (ChildJvm worker = startWorker(ETCD.endpoint(), "killed")) {
            long[] pids = submitShellWithChild("killed");

            worker.kill();

            awaitGone(pids);
        }
    }

    @Test
    void aWorkerThatLosesItsSessionEndsItsTaskProcesses() throws Exception {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", ETCD.process().clientPort());
             ChildJvm worker = startWorker(proxy.endpoint(), "lost")) {
            long[] pids = submitShellWithChild("lost");

            proxy.freeze();

            awaitGone(pids);
            assertThat(worker.isAlive()).as("the worker outlives its session").isTrue();
        }
    }
}
