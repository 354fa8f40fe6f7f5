package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    private static final double[] ONE_TO_TWENTY = IntStream.rangeClosed(1, 20).asDoubleStream().toArray();

    @ParameterizedTest(name = "q={0} of 1..20 is {1}")
    @CsvSource({"0.5, 10", "0.99, 20", "1.0, 20", "0.05, 1", "0.01, 1", "0.9, 18", "0.51, 11"})
    void nearestRankOfTwentyTrials(double q, double expected) {
        assertThat(Percentiles.of(ONE_TO_TWENTY, q)).isEqualTo(expected);
    }

    @Test
    void orderOfTheValuesDoesNotMatter() {
        assertThat(Percentiles.median(new double[] {5, 1, 4, 2, 3})).isEqualTo(3);
        assertThat(Percentiles.of(new double[] {9, 7, 8}, 0.99)).isEqualTo(9);
    }

    @Test
    void medianOfAnEvenCountIsTheLowerMiddle() {
        assertThat(Percentiles.median(new double[] {4, 1, 3, 2})).isEqualTo(2);
    }

    @Test
    void singleValueIsEveryPercentile() {
        assertThat(Percentiles.of(new double[] {7}, 0.01)).isEqualTo(7);
        assertThat(Percentiles.of(new double[] {7}, 0.99)).isEqualTo(7);
    }

    @Test
    void noValuesOrAQuantileOutsideTheRangeIsAnError() {
        assertThatThrownBy(() -> Percentiles.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(ONE_TO_TWENTY, 0)).hasMessageContaining("quantile 0.0");
        assertThatThrownBy(() -> Percentiles.of(ONE_TO_TWENTY, 1.5)).hasMessageContaining("quantile 1.5");
    }
}
