package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.testkit.Closer;
import dev.baton.testkit.EtcdExtension;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

class SemaphoreTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final Closer resources = new Closer();
    private Etcd direct;
    private String name;

    @BeforeEach
    void connect(TestInfo test) {
        direct = resources.add(Etcd.builder().endpoints(ETCD.endpoint()).build());
        name = "semaphore/" + test.getTestMethod().orElseThrow().getName();
    }

    private Semaphore semaphore(int permits) {
        LockMember member = resources.add(LockMember.join(ETCD.endpoint(), Duration.ofSeconds(5)));
        return Semaphore.on(member.session, name, permits);
    }

    private int contenders() throws Exception {
        return direct.range(KeyRange.prefix(name + "/")).get().kvs().size();
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
