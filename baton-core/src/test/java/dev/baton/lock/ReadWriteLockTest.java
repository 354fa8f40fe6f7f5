package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReadWriteLockTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final LockStore store = new LockStore(ETCD, "rw/");
    private LockMember member;

    @BeforeEach
    void join() {
        member = store.member(Duration.ofSeconds(5));
    }

    private ReadWriteLock lock() {
        return ReadWriteLock.on(member.session, store.name());
    }

    private int contenders() throws Exception {
        return store.contenders().size();
    }

    private static CompletableFuture<HeldLock> writeLater(ReadWriteLock lock) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return lock.lockWrite(WAIT);
            } catch (InterruptedException | TimeoutException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Test
    void readersShareTheLockUnderTheRecipesReadDirectory() throws Exception {
        HeldLock first = lock().lockRead(WAIT);
        HeldLock second = lock().lockRead(WAIT);

        assertThat(first.isValid()).isTrue();
        assertThat(second.isValid()).isTrue();
        assertThat(first.key()).startsWith(store.name() + "/read/");
        assertThat(second.token()).isGreaterThan(first.token());
    }

    @Test
    void aWriterWaitsForTheReadersBeforeItAndHoldsAlone() throws Exception {
        HeldLock reader = lock().lockRead(WAIT);
        CompletableFuture<HeldLock> writer = writeLater(lock());
        await().atMost(WAIT).until(() -> contenders() == 2);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !writer.isDone());

        reader.release();

        HeldLock held = writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(held.key()).startsWith(store.name() + "/write/");
        assertThat(lock().tryLockRead()).isEmpty();
        assertThat(lock().tryLockWrite()).isEmpty();
    }

    @Test
    void aWaitingWriterKeepsLaterReadersOut() throws Exception {
        HeldLock reader = lock().lockRead(WAIT);
        CompletableFuture<HeldLock> writer = writeLater(lock());
        await().atMost(WAIT).until(() -> contenders() == 2);

        assertThat(lock().tryLockRead()).isEmpty();

        reader.release();
        HeldLock written = writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        written.release().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(lock().tryLockRead()).isPresent();
    }
}
