package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.etcd.Etcd;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** When a task is due for a claim: its not-before at most the window ahead. */
class ClaimWindowTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static Stream<Arguments> cases() {
        return Stream.of(
                // window, not-before relative to now (null: none), due now
                Arguments.of(0, null, true),
                Arguments.of(0, -1, true),
                Arguments.of(0, 0, true),
                Arguments.of(0, 1, false),
                Arguments.of(250, null, true),
                Arguments.of(250, -5_000, true),
                Arguments.of(250, 0, true),
                Arguments.of(250, 249, true),
                Arguments.of(250, 250, true),
                Arguments.of(250, 251, false),
                Arguments.of(250, 60_000, false));
    }

    @ParameterizedTest(name = "window {0} ms, not-before now + {1} ms: due {2}")
    @MethodSource("cases")
    void aTaskIsDueOnceItsNotBeforeIsAtMostTheWindowAhead(int windowMillis, Integer aheadMillis, boolean due) {
        ClaimWindow window = new ClaimWindow(Duration.ofMillis(windowMillis));
        Instant notBefore = aheadMillis == null ? null : NOW.plusMillis(aheadMillis);

        assertThat(window.due(notBefore, NOW)).isEqualTo(due);
        if (notBefore != null) {
            assertThat(window.due(notBefore, window.opens(notBefore))).as("due from the window's opening").isTrue();
            assertThat(window.due(notBefore, window.opens(notBefore).minusNanos(1))).as("not a nanosecond before")
                    .isFalse();
        }
    }

    @Test
    void aWindowOutOfItsRangeIsRefusedNamingTheBadValue() {
        assertThatThrownBy(() -> new ClaimWindow(Duration.ofMillis(-1)))
                .hasMessage("the claim window must not be negative, is PT-0.001S");
        try (Etcd etcd = Etcd.builder().endpoints("http://127.0.0.1:1").build()) {
            TaskMemberBuilder builder = TaskMember.builder(etcd, "m");
            assertThatThrownBy(() -> builder.claimWindow(Duration.ofMillis(-1)))
                    .hasMessage("claimWindow must be between 0 and PT10S, is PT-0.001S");
            assertThatThrownBy(() -> builder.claimWindow(Duration.ofSeconds(11)))
                    .hasMessage("claimWindow must be between 0 and PT10S, is PT11S");
            assertThat(builder.claimWindow(Duration.ZERO)).isSameAs(builder);
        }
    }
}
