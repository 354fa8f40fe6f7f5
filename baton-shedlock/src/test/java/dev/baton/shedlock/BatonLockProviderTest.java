package dev.baton.shedlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operations;
import dev.baton.lock.HeldLock;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.Closer;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockExtender;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatonLockProviderTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final Closer resources = new Closer();
    private String name;

    @BeforeEach
    void name(TestInfo test) {
        name = test.getTestMethod().orElseThrow().getName();
    }

    private Instance instance() {
        return resources.add(Instance.start(ETCD.endpoint(), TTL));
    }

    private LockConfiguration lock(Duration atMost, Duration atLeast) {
        return new LockConfiguration(Instant.now(), name, atMost, atLeast);
    }

    private static boolean fencedWrite(Instance instance, HeldLock held, String key) throws Exception {
        return instance.etcd.txn(List.of(held.fence()),
                List.of(Operations.put(key, "x".getBytes(StandardCharsets.UTF_8), 0)), List.of()).get().succeeded();
    }

    @Test
    void twoInstancesRunTheJobOncePerTick() throws Exception {
        List<Instance> instances = List.of(instance(), instance());
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        int ticks = 4;
        for (int tick = 0; tick < ticks; tick++) {
            int current = tick;
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Void>> fired = new ArrayList<>();
            for (Instance instance : instances) {
                fired.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    instance.executor.executeWithLock((Runnable) () -> runs.computeIfAbsent(current, t -> new AtomicInteger())
                            .incrementAndGet(), lock(Duration.ofSeconds(30), Duration.ofSeconds(2)));
                }, runnable -> new Thread(runnable).start()));
            }
            start.countDown();
            CompletableFuture.allOf(fired.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // The next tick comes after lockAtLeastFor, as a schedule's next tick would.
            Thread.sleep(2_500);
        }

        assertThat(runs).hasSize(ticks).allSatisfy((tick, count) -> assertThat(count).hasValue(1));
    }

    @Test
    void theJobReadsItsFencingTokenAndItsFencedWritesLand() throws Exception {
        Instance instance = instance();
        AtomicReference<HeldLock> seen = new AtomicReference<>();
        AtomicReference<Boolean> written = new AtomicReference<>();

        instance.executor.executeWithLock((Runnable) () -> {
            HeldLock held = BatonLockProvider.heldLock().orElseThrow();
            seen.set(held);
            try {
                written.set(fencedWrite(instance, held, "ledger/" + name));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, lock(Duration.ofSeconds(30), Duration.ZERO));

        KeyValue created = instance.etcd.get(seen.get().key()).get().orElse(null);
        assertThat(seen.get().key()).startsWith(Instance.PREFIX + "/" + name + "/");
        assertThat(written.get()).isTrue();
        assertThat(created).as("released after the job").isNull();
        assertThat(BatonLockProvider.heldLock()).isEmpty();
    }

    @Test
    void aJobThatOutrunsLockAtMostForLosesTheLockAndItsFencedWritesFail() throws Exception {
        Instance first = instance();
        Instance second = instance();
        CountDownLatch overrun = new CountDownLatch(1);
        AtomicReference<Boolean> lateWrite = new AtomicReference<>();
        CompletableFuture<Void> job = CompletableFuture.runAsync(() -> first.executor.executeWithLock((Runnable) () -> {
            HeldLock held = BatonLockProvider.heldLock().orElseThrow();
            try {
                await().atMost(WAIT).until(() -> !held.isValid());
                overrun.await();
                lateWrite.set(fencedWrite(first, held, "ledger/" + name));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, lock(Duration.ofMillis(500), Duration.ZERO)), runnable -> new Thread(runnable).start());

        AtomicInteger secondRuns = new AtomicInteger();
        await().atMost(WAIT).until(() -> {
            second.executor.executeWithLock((Runnable) secondRuns::incrementAndGet, lock(Duration.ofSeconds(30), Duration.ZERO));
            return secondRuns.get() == 1;
        });
        overrun.countDown();
        job.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(lateWrite.get()).isFalse();
    }

    @Test
    void anExtendedLockOutlivesItsFirstLockAtMostFor() throws Exception {
        Instance first = instance();
        Instance second = instance();
        CountDownLatch finish = new CountDownLatch(1);
        AtomicReference<HeldLock> held = new AtomicReference<>();
        CompletableFuture<Void> job = CompletableFuture.runAsync(() -> first.executor.executeWithLock((Runnable) () -> {
            held.set(BatonLockProvider.heldLock().orElseThrow());
            try {
                while (!finish.await(200, TimeUnit.MILLISECONDS)) {
                    LockExtender.extendActiveLock(Duration.ofSeconds(2), Duration.ZERO);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, lock(Duration.ofSeconds(1), Duration.ZERO)), runnable -> new Thread(runnable).start());
        await().atMost(WAIT).until(() -> held.get() != null);

        AtomicInteger secondRuns = new AtomicInteger();
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
            second.executor.executeWithLock((Runnable) secondRuns::incrementAndGet, lock(Duration.ofSeconds(30), Duration.ZERO));
            Thread.sleep(200);
        }
        assertThat(held.get().isValid()).isTrue();
        finish.countDown();
        job.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(secondRuns).hasValue(0);
        assertThat(held.get().isValid()).isFalse();
    }

    @Test
    void keepAliveLockProviderRunsAJobOnTheProviderAndReleasesTheLockAfterIt() throws Throwable {
        Instance instance = instance();
        ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor();
        try {
            LockingTaskExecutor executor = new DefaultLockingTaskExecutor(
                    new KeepAliveLockProvider(BatonLockProvider.on(instance.session, Instance.PREFIX), keepAlive));
            AtomicReference<HeldLock> held = new AtomicReference<>();

            executor.executeWithLock((Runnable) () -> held.set(BatonLockProvider.heldLock().orElseThrow()),
                    lock(Duration.ofSeconds(30), Duration.ZERO));

            assertThat(held.get().lossReason()).isPresent();
            assertThat(instance.etcd.get(held.get().key()).get()).isEmpty();
        } finally {
            keepAlive.shutdownNow();
        }
    }

    @Test
    void anUnlockedLockCannotBeExtended() {
        Instance instance = instance();
        BatonLockProvider provider = BatonLockProvider.on(instance.session, Instance.PREFIX);
        var lock = provider.lock(lock(Duration.ofSeconds(30), Duration.ZERO)).orElseThrow();

        lock.unlock();

        assertThatThrownBy(() -> lock.extend(Duration.ofSeconds(30), Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aKilledInstancesLockIsTakenOverWithinTheTtlLongBeforeLockAtMostFor() throws Exception {
        try (ChildJvm holder = ChildJvm.start(ScheduledJobMain.class, ETCD.endpoint(), name, Long.toString(TTL.toSeconds()))) {
            long oldToken = Long.parseLong(holder.awaitLine("^RUNNING ", Duration.ofSeconds(60)).split("=")[1]);
            Instance survivor = instance();
            long killedAt = System.nanoTime();

            holder.kill();
            AtomicReference<Long> newToken = new AtomicReference<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                survivor.executor.executeWithLock((Runnable) () -> newToken.set(BatonLockProvider.heldLock().orElseThrow().token()),
                        lock(Duration.ofSeconds(30), Duration.ZERO));
                return newToken.get() != null;
            });

            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(TTL.plus(Duration.ofSeconds(10)));
            assertThat(newToken.get()).isGreaterThan(oldToken);
            assertThat(survivor.etcd.range(KeyRange.prefix(Instance.PREFIX + "/" + name + "/")).get().kvs()).isEmpty();
        }
    }

    @Test
    void aBadPrefixIsRefusedNamingIt() {
        Instance instance = instance();
        assertThatThrownBy(() -> BatonLockProvider.on(instance.session, "jobs/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"jobs/\"");
    }
}
