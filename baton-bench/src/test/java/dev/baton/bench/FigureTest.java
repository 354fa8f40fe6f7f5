package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FigureTest {

    @Test
    void jsonHasEveryFieldInOrderWithNullsPrinted() {
        Figure figure = Figure.alone("alloc", "solver time, 10,000 items", "ms", 12.5);

        assertThat(figure.toJson()).isEqualTo("{\"scenario\":\"alloc\",\"metric\":\"solver time, 10,000 items\","
                + "\"unit\":\"ms\",\"baton\":12.5,\"baseline\":null,\"baseline_name\":null,\"ratio\":null,"
                + "\"trials\":null,\"p50\":null,\"p99\":null}");
    }

    @Test
    void comparedFigureCarriesBaselineRatioTrialsAndPercentiles() {
        Figure figure = Figure.compared("election", "handover after kill -9", "ms", 2000, 1600, "jetcd")
                .withTrials(20).withPercentiles(2000, 2400);

        assertThat(figure.toJson()).isEqualTo("{\"scenario\":\"election\",\"metric\":\"handover after kill -9\","
                + "\"unit\":\"ms\",\"baton\":2000.0,\"baseline\":1600.0,\"baseline_name\":\"jetcd\",\"ratio\":1.25,"
                + "\"trials\":20,\"p50\":2000.0,\"p99\":2400.0}");
    }

    @Test
    void ratioIsBatonOverBaseline() {
        assertThat(Figure.ratio(3, 4)).isEqualTo(0.75);
        assertThat(Figure.ratio(0, 4)).isEqualTo(0.0);
    }

    @Test
    void ratioOverAZeroOrMissingBaselineIsNull() {
        assertThat(Figure.ratio(3, 0)).isNull();
        assertThat(Figure.ratio(Double.NaN, 1)).isNull();
        assertThat(Figure.compared("s", "m", "u", 5, 0, "b").ratio()).isNull();
    }

    @Test
    void baselineNeedsAName() {
        assertThatThrownBy(() -> new Figure("s", "writes/s", "1/s", 1.0, 2.0, null, 0.5, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writes/s");
    }
}
