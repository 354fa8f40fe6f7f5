package dev.baton.bench.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.bench.Figure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockFiguresTest {
    @Test
    void batonStandsAloneWithItsPercentilesAndEachBaselineNextToBatonsMedian() {
        Map<String, double[]> millis = new LinkedHashMap<>();
        millis.put("Baton Mutex", new double[] {1, 2, 3, 4});
        millis.put("jetcd Lock", new double[] {4, 6, 8, 10});

        List<Figure> figures = LockFigures.of("locks", "handover", "Baton Mutex", millis);

        assertThat(figures).hasSize(2);
        assertThat(figures.get(0)).extracting(Figure::metric, Figure::baton, Figure::baseline, Figure::p50, Figure::p99)
                .containsExactly("handover: Baton Mutex", 2.0, null, 2.0, 4.0);
        assertThat(figures.get(1)).extracting(Figure::metric, Figure::baton, Figure::baseline, Figure::ratio, Figure::p99)
                .containsExactly("handover: jetcd Lock (p50/p99 its own)", 2.0, 6.0, 2.0 / 6.0, 10.0);
    }

    @Test
    void withoutBatonsTrialsThereAreNoFigures() {
        assertThatThrownBy(() -> LockFigures.of("locks", "handover", "Baton Mutex", Map.of("jetcd Lock", new double[] {1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Baton Mutex");
    }
}
