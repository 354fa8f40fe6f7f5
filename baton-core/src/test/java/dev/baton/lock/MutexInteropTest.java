package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.KeyValue;
import dev.baton.testkit.EtcdExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Baton's mutex and {@code etcdctl lock} (etcd's Go {@code concurrency.Mutex}) on one name. Every
 * holder, on either side, appends a start and an end marker to one file while it holds; the file
 * shows two holders at once as a start followed by anything but its own end.
 */
class MutexInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int ROUNDS = 20;

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final LockStore store = new LockStore(ETCD, "interop-lock/");
    @TempDir
    Path dir;
    private Path markers;
    private Process etcdctlHolder;

    @BeforeEach
    void markersFile() {
        markers = dir.resolve("markers");
    }

    @AfterEach
    void stopEtcdctl() throws InterruptedException {
        if (etcdctlHolder != null) {
            etcdctlHolder.destroy();
            if (!etcdctlHolder.waitFor(10, TimeUnit.SECONDS)) {
                etcdctlHolder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** One etcdctl holder: {@code etcdctl lock NAME -- sh -c ...} runs the markers under the lock and exits. */
    private void etcdctlRound(int round) {
        String script = "echo 'start etcdctl " + round + "' >> \"$0\"; sleep 0.05; echo 'end etcdctl " + round + "' >> \"$0\"";
        ETCD.process().etcdctl("lock", store.name(), "--", "sh", "-c", script, markers.toString());
    }

    private void batonRound(Mutex mutex, int round) throws Exception {
        HeldLock held = mutex.lock(WAIT);
        append("start baton " + round);
        Thread.sleep(50);
        append("end baton " + round);
        held.release().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private void append(String line) throws IOException {
        Files.writeString(markers, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void batonAndEtcdctlNeverHoldTogetherOverManyRounds() throws Exception {
        LockMember member = store.member(Duration.ofSeconds(5));
        Mutex mutex = member.mutex(store.name());
        CompletableFuture<Void> etcdctl = CompletableFuture.runAsync(() -> {
            for (int round = 0; round < ROUNDS; round++) {
                etcdctlRound(round);
            }
        }, runnable -> new Thread(runnable).start());
        for (int round = 0; round < ROUNDS; round++) {
            batonRound(mutex, round);
        }
        etcdctl.get(2, TimeUnit.MINUTES);

        List<String> lines = Files.readAllLines(markers, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(4 * ROUNDS);
        for (int i = 0; i < lines.size(); i += 2) {
            assertThat(lines.get(i)).startsWith("start ");
            assertThat(lines.get(i + 1)).as("line %d after %s", i + 1, lines.get(i)).isEqualTo(lines.get(i).replace("start", "end"));
        }
        long handovers = IntStream.range(2, lines.size()).filter(i -> i % 2 == 0)
                .filter(i -> !lines.get(i).split(" ")[1].equals(lines.get(i - 2).split(" ")[1])).count();
        assertThat(handovers).as("holds passed between Baton and etcdctl").isGreaterThanOrEqualTo(2);
        assertThat(store.contenders()).isEmpty();
    }

    @Test
    void batonWaitsWhileEtcdctlHoldsAndTakesOverWhenItExits() throws Exception {
        etcdctlHolder = ETCD.process().etcdctlProcess("lock", store.name());
        await().atMost(WAIT).until(() -> store.contenders().size() == 1);
        Mutex mutex = store.member(Duration.ofSeconds(5)).mutex(store.name());
        assertThat(mutex.tryLock()).isEmpty();
        CompletableFuture<HeldLock> waiting = MutexTest.lockLater(mutex);
        await().atMost(WAIT).until(() -> store.contenders().size() == 2);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !waiting.isDone());

        etcdctlHolder.destroy();

        HeldLock held = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(etcdctlHolder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(store.contenders()).extracting(KeyValue::key).containsExactly(held.key());
    }

    @Test
    void etcdctlWaitsWhileBatonHoldsAndRunsItsCommandAfterTheRelease() throws Exception {
        HeldLock held = store.member(Duration.ofSeconds(5)).mutex(store.name()).lock(WAIT);
        CompletableFuture<Void> etcdctl = CompletableFuture.runAsync(() -> etcdctlRound(0), runnable -> new Thread(runnable).start());
        await().atMost(WAIT).until(() -> store.contenders().size() == 2);
        append("start baton 0");
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !etcdctl.isDone());
        append("end baton 0");

        held.release().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        etcdctl.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(Files.readAllLines(markers, StandardCharsets.UTF_8))
                .containsExactly("start baton 0", "end baton 0", "start etcdctl 0", "end etcdctl 0");
    }
}
