package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operations;
import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MutexTest {
    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final LockStore store = new LockStore(ETCD, "mutex/");

    private LockMember member() {
        return store.member(TTL);
    }

    static CompletableFuture<HeldLock> lockLater(Mutex mutex) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return mutex.lock(WAIT);
            } catch (InterruptedException | TimeoutException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Test
    void aFreeMutexIsHeldAtOnceWithTheKeyEtcdWouldUseAndItsCreateRevisionAsToken() throws Exception {
        LockMember member = member();

        HeldLock held = member.mutex(store.name()).lock(WAIT);

        assertThat(held.key()).isEqualTo(store.name() + "/" + Long.toHexString(member.session.lease()));
        assertThat(held.token()).isEqualTo(store.contenders().get(0).createRevision());
        assertThat(held.isValid()).isTrue();
    }

    @Test
    void theWaiterHoldsOnlyAfterTheHolderReleasedAndWithAHigherToken() throws Exception {
        HeldLock first = member().mutex(store.name()).lock(WAIT);
        CompletableFuture<HeldLock> second = lockLater(member().mutex(store.name()));
        await().atMost(WAIT).until(() -> store.contenders().size() == 2);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !second.isDone());

        first.release().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        HeldLock next = second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first.isValid()).isFalse();
        assertThat(first.lost()).isCompletedWithValue(LossReason.RELEASED);
        assertThat(next.token()).isGreaterThan(first.token());
    }

    @Test
    void waitersAreAdmittedInTheOrderTheyArrived() throws Exception {
        HeldLock holder = member().mutex(store.name()).lock(WAIT);
        CompletableFuture<HeldLock> a = lockLater(member().mutex(store.name()));
        await().atMost(WAIT).until(() -> store.contenders().size() == 2);
        CompletableFuture<HeldLock> b = lockLater(member().mutex(store.name()));
        await().atMost(WAIT).until(() -> store.contenders().size() == 3);

        holder.release();
        HeldLock aHeld = a.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(b).isNotDone();
        aHeld.release();

        assertThat(b.get(WAIT.toSeconds(), TimeUnit.SECONDS).token()).isGreaterThan(aHeld.token());
    }

    @Test
    void aFencedWriteOfAReleasedHolderIsRefusedByTheStore() throws Exception {
        LockMember member = member();
        HeldLock held = member.mutex(store.name()).lock(WAIT);
        byte[] value = "written".getBytes(StandardCharsets.UTF_8);
        assertThat(member.etcd.txn(List.of(held.fence()), List.of(Operations.put("fenced/" + store.name(), value, 0)), List.of())
                .get().succeeded()).isTrue();

        held.release().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(member.etcd.txn(List.of(held.fence()), List.of(Operations.put("fenced/" + store.name(), value, 0)), List.of())
                .get().succeeded()).isFalse();
    }

    @Test
    void tryLockFindsTheMutexBusyAndLeavesNoKeyBehind() throws Exception {
        HeldLock holder = member().mutex(store.name()).lock(WAIT);
        Mutex other = member().mutex(store.name());

        assertThat(other.tryLock()).isEmpty();
        assertThat(store.contenders()).extracting(KeyValue::key).containsExactly(holder.key());

        holder.release().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(other.tryLock()).hasValueSatisfying(held -> assertThat(held.isValid()).isTrue());
    }

    @Test
    void theMutexIsNotReentrantNeitherThroughTheSameObjectNorThroughAnotherOnTheSameSession() throws Exception {
        LockMember member = member();
        Mutex mutex = member.mutex(store.name());
        HeldLock held = mutex.lock(WAIT);

        assertThatThrownBy(() -> mutex.lock(WAIT)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not reentrant");
        assertThatThrownBy(() -> mutex.tryLock()).isInstanceOf(IllegalStateException.class).hasMessageContaining("not reentrant");
        assertThatThrownBy(() -> member.mutex(store.name()).lock(WAIT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not reentrant");

        assertThat(held.isValid()).isTrue();
        assertThat(store.contenders()).extracting(KeyValue::createRevision).containsExactly(held.token());
    }

    @Test
    void theSameMutexCanLockAgainRightAfterAnUnlockItDidNotWaitFor() throws Exception {
        Mutex mutex = member().mutex(store.name());
        HeldLock first = mutex.lock(WAIT);

        mutex.unlock();
        HeldLock second = mutex.lock(WAIT);

        assertThat(second.key()).isEqualTo(first.key());
        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(second.isValid()).isTrue();
    }

    @Test
    void aWaitThatTimesOutRemovesItsKey() throws Exception {
        HeldLock holder = member().mutex(store.name()).lock(WAIT);
        Mutex waiter = member().mutex(store.name());

        assertThatThrownBy(() -> waiter.lock(Duration.ofMillis(500))).isInstanceOf(TimeoutException.class)
                .hasMessageContaining(store.name());

        await().atMost(WAIT).until(() -> store.contenders().size() == 1);
        assertThat(holder.isValid()).isTrue();
    }

    @Test
    void aHoldIsLostOnceWhenTheSessionClosesAndTheWaiterTakesOver() throws Exception {
        LockMember first = member();
        HeldLock held = first.mutex(store.name()).lock(WAIT);
        CompletableFuture<HeldLock> next = lockLater(member().mutex(store.name()));
        await().atMost(WAIT).until(() -> store.contenders().size() == 2);

        first.close();

        assertThat(held.lost().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(LossReason.SESSION_CLOSED);
        assertThat(held.isValid()).isFalse();
        assertThat(next.get(WAIT.toSeconds(), TimeUnit.SECONDS).token()).isGreaterThan(held.token());
        assertThat(held.lossReason()).contains(LossReason.SESSION_CLOSED);
    }

    @Test
    void aHoldWhoseKeyAnotherClientDeletedAtOnceIsLostAsKeyDeleted() throws Exception {
        HeldLock held = member().mutex(store.name()).lock(WAIT);

        store.direct().delete(KeyRange.key(held.key())).get();

        assertThat(held.lost().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(LossReason.KEY_DELETED);
        assertThat(held.isValid()).isFalse();
    }
    @Test
    void aHoldWhoseKeyAnotherClientDeletedOnceItsOwnKeyWatchRanIsLostAsKeyDeleted() throws Exception {
        HeldLock held = member().mutex(store.name()).lock(WAIT);
        Thread.sleep(Contender.OWN_KEY_WATCH_DELAY.multipliedBy(3).toMillis());

        store.direct().delete(KeyRange.key(held.key())).get();

        assertThat(held.lost().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(LossReason.KEY_DELETED);
        assertThat(held.isValid()).isFalse();
    }

}
