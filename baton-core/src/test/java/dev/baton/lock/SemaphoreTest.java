package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SemaphoreTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final LockStore store = new LockStore(ETCD, "semaphore/");

    private Semaphore semaphore(int permits) {
        LockMember member = store.member(Duration.ofSeconds(5));
        return Semaphore.on(member.session, store.name(), permits);
    }

    private int contenders() throws Exception {
        return store.contenders().size();
    }

    private static CompletableFuture<HeldLock> acquireLater(Semaphore semaphore) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return semaphore.acquire(WAIT);
            } catch (InterruptedException | TimeoutException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Test
    void neverMoreThanThePermitsHoldAtOnceUnderContention() throws Exception {
        int permits = 2;
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<CompletableFuture<Void>> members = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(5);
        for (int m = 0; m < 5; m++) {
            Semaphore semaphore = semaphore(permits);
            members.add(CompletableFuture.runAsync(() -> {
                for (int round = 0; round < 6; round++) {
                    try {
                        HeldLock permit = semaphore.acquire(WAIT);
                        most.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        Thread.sleep(20);
                        holding.decrementAndGet();
                        permit.release().get();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }
            }, threads));
        }

        try {
            CompletableFuture.allOf(members.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        } finally {
            threads.shutdownNow();
        }

        assertThat(most.get()).isBetween(1, permits);
        assertThat(contenders()).isZero();
    }

    @Test
    void neverMoreThanThePermitsHoldAtOnceAcrossSeveralJvms(@TempDir Path dir) throws Exception {
        int permits = 2;
        Path markers = dir.resolve("markers");
        List<ChildJvm> jvms = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
            jvms.add(store.add(ChildJvm.start(SemaphoreHolderMain.class, ETCD.endpoint(), store.name(),
                    Integer.toString(permits), "2", "4", markers.toString(), "jvm" + j)));
        }
        for (ChildJvm jvm : jvms) {
            jvm.awaitLine("^DONE$", Duration.ofMinutes(2));
        }

        List<String> lines = Files.readAllLines(markers, StandardCharsets.UTF_8);
        int holding = 0;
        int most = 0;
        for (String line : lines) {
            holding += line.startsWith("start ") ? 1 : -1;
            most = Math.max(most, holding);
        }
        assertThat(lines).hasSize(3 * 2 * 4 * 2);
        assertThat(most).isBetween(1, permits);
    }

    @Test
    void waitersInSeveralJvmsAreAdmittedInTheOrderTheyArrived(@TempDir Path dir) throws Exception {
        int permits = 1;
        Path markers = dir.resolve("markers");
        HeldLock held = semaphore(permits).acquire(WAIT);
        List<ChildJvm> jvms = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
            jvms.add(store.add(ChildJvm.start(SemaphoreHolderMain.class, ETCD.endpoint(), store.name(),
                    Integer.toString(permits), "1", "1", markers.toString(), "jvm" + j)));
            int arrived = permits + j + 1;
            await().atMost(Duration.ofMinutes(1)).until(() -> contenders() == arrived);
        }

        held.release();
        for (ChildJvm jvm : jvms) {
            jvm.awaitLine("^DONE$", Duration.ofMinutes(2));
        }

        List<String> starts = Files.readAllLines(markers, StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("start ")).toList();
        assertThat(starts).containsExactly("start jvm0-0", "start jvm1-0", "start jvm2-0");
    }

    @Test
    void waitersAreAdmittedInTheOrderTheyArrived() throws Exception {
        HeldLock first = semaphore(2).acquire(WAIT);
        semaphore(2).acquire(WAIT);
        CompletableFuture<HeldLock> early = acquireLater(semaphore(2));
        await().atMost(WAIT).until(() -> contenders() == 3);
        CompletableFuture<HeldLock> late = acquireLater(semaphore(2));
        await().atMost(WAIT).until(() -> contenders() == 4);

        assertThat(semaphore(2).tryAcquire()).isEmpty();
        first.release();

        assertThat(early.get(WAIT.toSeconds(), TimeUnit.SECONDS).isValid()).isTrue();
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !late.isDone());
    }
}
