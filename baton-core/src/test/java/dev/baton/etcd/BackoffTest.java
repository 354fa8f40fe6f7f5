package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysGrowExponentiallyWithinJitterBoundsUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
        for (long ceiling : ceilings) {
            long delay = backoff.next().toMillis();
            assertThat(delay).isBetween(ceiling / 2, ceiling);
        }
        assertThat(backoff.attempts()).isEqualTo(ceilings.length);
    }

    @Test
    void resetStartsOver() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            backoff.next();
        }
        backoff.reset();
        assertThat(backoff.next().toMillis()).isBetween(50L, 100L);
    }

    @Test
    void manyAttemptsStayAtTheCapWithoutOverflow() {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(5));
        for (int i = 0; i < 13; i++) {
            backoff.next();
        }
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.next()).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
        }
    }

    @Test
    void invalidBoundsAreNamed() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("PT1S");
    }
}
