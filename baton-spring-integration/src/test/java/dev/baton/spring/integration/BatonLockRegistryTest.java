package dev.baton.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.etcd.Operations;
import dev.baton.lock.HeldLock;
import dev.baton.testkit.Closer;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatonLockRegistryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final Closer resources = new Closer();
    private String key;

    @BeforeEach
    void key(TestInfo test) {
        key = test.getTestMethod().orElseThrow().getName();
    }

    private Node node() {
        return resources.add(Node.start(ETCD.endpoint()));
    }

    /** Runs {@code action} on a thread of its own and returns its result: lock ownership is per thread. */
    private static <T> T onOtherThread(Callable<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(action.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        thread.start();
        return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aKeyHeldByOneNodeIsRefusedToTheOtherUntilItIsUnlocked() throws Exception {
        BatonLock first = node().registry.obtain(key);
        BatonLock second = node().registry.obtain(key);

        first.lock();
        assertThat(second.tryLock()).isFalse();
        assertThat(second.tryLock(300, TimeUnit.MILLISECONDS)).isFalse();
        first.unlock();

        assertThat(second.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(second.heldLock().orElseThrow().key()).startsWith(Node.PREFIX + "/" + key + "/");
        second.unlock();
    }

    @Test
    void theLockIsReentrantPerThreadAndReleasedByTheLastUnlock() throws Exception {
        Node node = node();
        BatonLock lock = node.registry.obtain(key);
        BatonLock other = node().registry.obtain(key);

        lock.lock();
        assertThat(lock.tryLock()).isTrue();
        boolean otherThread = onOtherThread(lock::tryLock);
        assertThat(otherThread).as("another thread of the same node").isFalse();
        lock.unlock();
        assertThat(other.tryLock()).isFalse();
        lock.unlock();

        assertThat(lock.heldLock()).isEmpty();
        assertThat(other.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void theHoldersFencedWritesLandUntilItUnlocks() throws Exception {
        Node node = node();
        BatonLock lock = node.registry.obtain(key);
        lock.lock();
        HeldLock held = lock.heldLock().orElseThrow();
        byte[] value = "v".getBytes(StandardCharsets.UTF_8);

        assertThat(node.etcd.txn(List.of(held.fence()), List.of(Operations.put("ledger/" + key, value, 0)), List.of())
                .get().succeeded()).isTrue();
        lock.unlock();

        assertThat(node.etcd.txn(List.of(held.fence()), List.of(Operations.put("ledger/" + key, value, 0)), List.of())
                .get().succeeded()).isFalse();
    }

    @Test
    void aHolderWhoseSessionEndedFindsOutThroughTryLockAndTheOtherNodeTakesOver() throws Exception {
        Node holderNode = node();
        BatonLock holder = holderNode.registry.obtain(key);
        BatonLock other = node().registry.obtain(key);
        holder.lock();

        holderNode.close();

        assertThat(other.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(holder.isHeldByCurrentThread()).isFalse();
        assertThatThrownBy(holder::tryLock).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
        assertThatThrownBy(() -> holderNode.registry.renewLock(key)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void renewingALockThisThreadHoldsSucceeds() {
        BatonLockRegistry registry = node().registry;
        BatonLock lock = registry.obtain(key);
        lock.lock();

        registry.renewLock(key, Duration.ofSeconds(1));

        lock.unlock();
        assertThatThrownBy(() -> registry.renewLock(key)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unlockByAThreadThatDoesNotHoldTheLockIsRefused() {
        BatonLock lock = node().registry.obtain(key);

        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        lock.lock();
        assertThatThrownBy(() -> onOtherThread(() -> {
            lock.unlock();
            return null;
        })).hasCauseInstanceOf(IllegalMonitorStateException.class);
        lock.unlock();
    }

    @Test
    void aBadPrefixIsRefusedNamingIt() {
        Node node = node();
        assertThatThrownBy(() -> BatonLockRegistry.on(node.session, "locks/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"locks/\"");
    }
}
