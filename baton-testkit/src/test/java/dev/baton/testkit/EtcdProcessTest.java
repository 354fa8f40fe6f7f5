package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdProcessTest {

    @Test
    void startedEtcdAnswersPutAndGet() {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            assertThat(etcd.endpoint()).isEqualTo("http://127.0.0.1:" + etcd.clientPort());
            assertThat(etcd.isAlive()).isTrue();
            assertThat(etcd.isHealthy()).isTrue();

            etcd.etcdctl("put", "greeting", "hello");

            assertThat(etcd.etcdctl("get", "greeting", "--print-value-only").trim()).isEqualTo("hello");
        }
    }

    @Test
    void killThenRestartKeepsDataAndPorts() {
        try (EtcdProcess etcd = EtcdProcess.builder().name("durable").start()) {
            etcd.etcdctl("put", "k", "v1");
            long firstPid = etcd.pid();
            int port = etcd.clientPort();

            etcd.kill();
            assertThat(etcd.isAlive()).isFalse();
            assertThat(ProcessHandle.of(firstPid)).isEmpty();

            etcd.restart();

            assertThat(etcd.pid()).isNotEqualTo(firstPid);
            assertThat(etcd.clientPort()).isEqualTo(port);
            assertThat(etcd.etcdctl("get", "k", "--print-value-only").trim()).isEqualTo("v1");
        }
    }

    @Test
    void pauseMakesHealthTimeOutAndResumeRestoresIt() {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            etcd.pause();
            assertThat(etcd.isPaused()).isTrue();
            assertThat(etcd.isAlive()).isTrue();
            assertThat(etcd.isHealthy()).isFalse();

            etcd.resume();

            await().atMost(Duration.ofSeconds(30)).until(etcd::isHealthy);
            assertThat(etcd.isPaused()).isFalse();
        }
    }

    @Test
    void stopEndsTheProcessGracefully() {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            etcd.stop();

            assertThat(etcd.isAlive()).isFalse();
            assertThat(etcd.logFile()).content().contains("received signal; shutting down");
        }
    }

    @Test
    void closeKillsAPausedProcessDeletesItsDirectoriesAndIsIdempotent() {
        EtcdProcess etcd = EtcdProcess.start();
        long pid = etcd.pid();
        Path dataDir = etcd.dataDir();
        etcd.pause();

        etcd.close();
        etcd.close();

        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(dataDir).doesNotExist();
        assertThat(etcd.logFile()).doesNotExist();
    }

    @Test
    void callerOwnedDataDirOutlivesTheProcess(@TempDir Path dir) {
        Path dataDir = dir.resolve("etcd-data");
        try (EtcdProcess etcd = EtcdProcess.builder().dataDir(dataDir).start()) {
            etcd.etcdctl("put", "k", "kept");
        }
        assertThat(dataDir.resolve("member")).isDirectory();

        try (EtcdProcess etcd = EtcdProcess.builder().dataDir(dataDir).start()) {
            assertThat(etcd.etcdctl("get", "k", "--print-value-only").trim()).isEqualTo("kept");
        }
    }

    @Test
    void longRunningEtcdctlSeesWatchEvents() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            Process watch = etcd.etcdctlProcess("watch", "w");
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    etcd.etcdctl("put", "w", "seen");
                    return watch.getInputStream().available() > 0;
                });
                assertThat(new String(watch.getInputStream().readNBytes(watch.getInputStream().available())))
                        .contains("seen");
            } finally {
                watch.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void failedEtcdctlReportsItsError() {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            assertThatThrownBy(() -> etcd.etcdctl("no-such-command"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no-such-command")
                    .hasMessageContaining("exited with");
        }
    }

    @Test
    void startThatNeverBecomesHealthyFailsWithTheLogTail() {
        assertThatThrownBy(() -> EtcdProcess.builder().extraArgs("--no-such-flag").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("no-such-flag");
    }

    @Test
    void portTakenByAnotherProcessIsRecognised() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                EtcdProcess etcd = EtcdProcess.builder().build()) {
            int[] free = FreePorts.pick(1);
            etcd.configure(taken.getLocalPort(), free[0], free[0], "etcd=http://127.0.0.1:" + free[0], "port-test");
            etcd.launch();

            assertThatThrownBy(() -> etcd.awaitHealthy(EtcdProcess.deadlineAfter(Duration.ofSeconds(30))))
                    .isInstanceOf(EtcdProcess.PortTakenException.class)
                    .hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
    }

    @Test
    void missingBinaryIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("etcd");
        assertThatThrownBy(() -> EtcdProcess.builder().binary(missing).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void invalidOptionsAreRejectedWithTheValue() {
        assertThatThrownBy(() -> EtcdProcess.builder().name("bad name"))
                .hasMessageContaining("'bad name'");
        assertThatThrownBy(() -> EtcdProcess.builder().startTimeout(Duration.ZERO))
                .hasMessageContaining("PT0S");
    }
}
