package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testkit.Closer;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input fails at once with an {@link IllegalArgumentException} that names the value. */
class LockBadInputTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final Closer resources = new Closer();
    private LockMember member;

    @BeforeEach
    void join() {
        member = resources.add(LockMember.join(ETCD.endpoint(), Duration.ofSeconds(5)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "jobs/"})
    void everyLockRefusesAnEmptyOrSlashEndingName(String name) {
        assertThatThrownBy(() -> Mutex.on(member.session, name))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + name + "\"");
        assertThatThrownBy(() -> ReadWriteLock.on(member.session, name))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + name + "\"");
        assertThatThrownBy(() -> Semaphore.on(member.session, name, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + name + "\"");
    }

    @Test
    void aNameWithAControlCharacterIsRefused() {
        assertThatThrownBy(() -> Mutex.on(member.session, "jobs\nnightly"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+000A");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void aSemaphoreNeedsAtLeastOnePermit(int permits) {
        assertThatThrownBy(() -> Semaphore.on(member.session, "pool", permits))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got " + permits);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void aTimeoutMustBePositive(long millis) {
        Duration timeout = Duration.ofMillis(millis);
        assertThatThrownBy(() -> member.mutex("jobs").lock(timeout))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got " + timeout);
        assertThatThrownBy(() -> ReadWriteLock.on(member.session, "jobs").lockRead(timeout))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got " + timeout);
        assertThatThrownBy(() -> Semaphore.on(member.session, "pool", 2).acquire(timeout))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got " + timeout);
    }
}
