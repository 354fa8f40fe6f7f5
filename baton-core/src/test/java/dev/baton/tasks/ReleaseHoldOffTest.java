package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.baton.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReleaseHoldOffTest {

    private final TestClock clock = new TestClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final ReleaseHoldOff holdOff = new ReleaseHoldOff(clock, Duration.ofSeconds(30));
    private final TaskId task = TaskId.of("t");

    @Test
    void aReleasedTaskIsHeldOffUntilTheHoldOffHasPassed() {
        holdOff.released(task);
        clock.advance(Duration.ofSeconds(29));
        assertThat(holdOff.until().keySet()).containsExactly(task);
        clock.advance(Duration.ofSeconds(1));
        assertThat(holdOff.until().keySet()).isEmpty();
    }

    @Test
    void releasingAgainStartsTheHoldOffAgain() {
        holdOff.released(task);
        clock.advance(Duration.ofSeconds(20));
        holdOff.released(task);
        clock.advance(Duration.ofSeconds(20));
        assertThat(holdOff.until().keySet()).containsExactly(task);
    }

    @Test
    void eachTaskHasItsOwnHoldOff() {
        holdOff.released(task);
        clock.advance(Duration.ofSeconds(15));
        holdOff.released(TaskId.of("u"));
        clock.advance(Duration.ofSeconds(15));
        assertThat(holdOff.until().keySet()).containsExactly(TaskId.of("u"));
    }

    @Test
    void aZeroHoldOffHoldsNothing() {
        ReleaseHoldOff none = new ReleaseHoldOff(clock, Duration.ZERO);
        none.released(task);
        assertThat(none.until().keySet()).isEmpty();
    }

    @Test
    void aNegativeHoldOffIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ReleaseHoldOff(clock, Duration.ofSeconds(-1)))
                .withMessage("holdOff must not be negative, is PT-1S");
    }
}
