package dev.baton.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.Etcd;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.testkit.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
    @TempDir
    Path dataDir;

    @Test
    void aTerminatedWorkerRevokesItsLeaseInsteadOfLeavingItToExpire() throws Exception {
        try (EmbeddedEtcd server = EmbeddedEtcd.builder().listen("127.0.0.1", 0).dataDir(dataDir).build().start();
             Etcd etcd = Etcd.builder().endpoints(server.endpoint()).build();
             ChildJvm worker = ChildJvm.start(ShutdownWorkerMain.class, server.endpoint(), "w1")) {
            worker.awaitLine("^REGISTERED ", Duration.ofSeconds(30));
            assertThat(etcd.get("workers/w1").get()).isPresent();

            worker.terminate();

            assertThat(worker.exitCode(Duration.ofSeconds(10))).isEqualTo(143);
            assertThat(etcd.get("workers/w1").get()).isEmpty();
        }
    }

    @Test
    void anInterruptedWaitClosesEveryResourceInReverseOrderThoughOneFails() throws Exception {
        List<String> closed = new CopyOnWriteArrayList<>();
        AutoCloseable etcd = () -> closed.add("etcd");
        AutoCloseable session = () -> {
            closed.add("session");
            throw new IllegalStateException("revoke failed");
        };
        AutoCloseable member = () -> closed.add("member");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread main = new Thread(() -> {
            try {
                Shutdown.awaitAndClose(etcd, session, member);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        main.start();

        main.interrupt();
        main.join(5_000);

        assertThat(closed).containsExactly("member", "session", "etcd");
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }
}
