package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RetryPolicyTest {

    @Test
    void defaultsAreFiveAttemptsOneSecondDoublingToSixtyWithTwentyPercentJitter() {
        RetryPolicy policy = RetryPolicy.defaults();
        assertThat(policy.maxAttempts()).isEqualTo(5);
        assertThat(policy.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.maxBackoff()).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.multiplier()).isEqualTo(2.0);
        assertThat(policy.jitter()).isEqualTo(0.2);
        assertThat(policy).isEqualTo(RetryPolicy.builder().build());
    }

    @ParameterizedTest(name = "failure {0} waits {1} ms before jitter")
    @CsvSource({"1, 1000", "2, 2000", "3, 4000", "4, 8000", "6, 32000", "7, 60000", "40, 60000", "2000, 60000"})
    void backoffDoublesUpToTheCap(int failures, long millis) {
        assertThat(RetryPolicy.defaults().backoff(failures, 0.0)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "unit {0} shortens 10 s to {1} ms")
    @CsvSource({"0.0, 10000", "0.5, 9000", "0.999999, 8000"})
    void jitterShortensByAtMostItsFraction(double unit, long millis) {
        RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ofSeconds(10)).build();
        assertThat(policy.backoff(1, unit).toMillis()).isEqualTo(millis);
    }

    @Test
    void attemptsAreExhaustedAtTheMaximum() {
        RetryPolicy policy = RetryPolicy.defaults();
        assertThat(policy.exhausted(4)).isFalse();
        assertThat(policy.exhausted(5)).isTrue();
    }

    @Test
    void aMultiplierOfOneGivesAConstantBackoff() {
        RetryPolicy policy = RetryPolicy.builder().multiplier(1).initialBackoff(Duration.ofMillis(250)).build();
        assertThat(policy.backoff(9, 0)).isEqualTo(Duration.ofMillis(250));
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of((Consumer<RetryPolicy.Builder>) b -> b.maxAttempts(0), "maxAttempts must be at least 1, is 0"),
                Arguments.of((Consumer<RetryPolicy.Builder>) b -> b.initialBackoff(Duration.ZERO), "initialBackoff must be positive, is PT0S"),
                Arguments.of((Consumer<RetryPolicy.Builder>) b -> b.maxBackoff(Duration.ofSeconds(-1)), "maxBackoff must be positive, is PT-1S"),
                Arguments.of((Consumer<RetryPolicy.Builder>) b -> b.multiplier(0.5), "multiplier must be finite and at least 1, is 0.5"),
                Arguments.of((Consumer<RetryPolicy.Builder>) b -> b.multiplier(Double.NaN), "multiplier must be finite and at least 1, is NaN"),
                Arguments.of((Consumer<RetryPolicy.Builder>) b -> b.jitter(1.0), "jitter must be in [0, 1), is 1.0"),
                Arguments.of((Consumer<RetryPolicy.Builder>) b -> b.jitter(-0.1), "jitter must be in [0, 1), is -0.1"),
                Arguments.of((Consumer<RetryPolicy.Builder>) b -> b.maxBackoff(Duration.ofMillis(10)).build(),
                        "maxBackoff PT0.01S must not be shorter than initialBackoff PT1S"));
    }

    @ParameterizedTest
    @MethodSource("invalidSettings")
    void invalidSettingsAreRefusedNamingTheValue(Consumer<RetryPolicy.Builder> setting, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> setting.accept(RetryPolicy.builder())).withMessage(message);
    }

    @Test
    void backoffArgumentsAreChecked() {
        assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.defaults().backoff(0, 0))
                .withMessage("failures must be at least 1, is 0");
        assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.defaults().backoff(1, 1.0))
                .withMessage("unit must be in [0, 1), is 1.0");
    }
}
