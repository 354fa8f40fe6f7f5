package dev.baton.bench.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.bench.Figure;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandoverFiguresTest {
    private static final long MS = 1_000_000;

    @Test
    void oneRowPerSystemAndEventWithBatonsRowFirst() {
        List<Figure> figures = HandoverFigures.of("election", List.of(
                new Handovers(ElectionEvent.RESIGN, "jetcd Election", new long[] {20 * MS, 10 * MS, 30 * MS}, 0),
                new Handovers(ElectionEvent.RESIGN, HandoverFigures.BATON, new long[] {5 * MS, 15 * MS, 10 * MS}, 0),
                new Handovers(ElectionEvent.KILL, HandoverFigures.BATON, new long[] {2000 * MS}, 1),
                new Handovers(ElectionEvent.KILL, "Curator LeaderLatch", new long[] {1000 * MS}, 0)));

        assertThat(figures).extracting(Figure::metric).containsExactly(
                "handover after resign: Baton election",
                "handover after resign: jetcd Election (p50/p99 its own)",
                "handover after kill -9: Baton election, 1 failed trial",
                "handover after kill -9: Curator LeaderLatch (p50/p99 its own)");
    }

    @Test
    void batonsRowHoldsBatonsPercentiles() {
        Figure baton = HandoverFigures.of("election", List.of(new Handovers(ElectionEvent.RESIGN,
                HandoverFigures.BATON, new long[] {5 * MS, 15 * MS, 10 * MS}, 0))).get(0);

        assertThat(baton).isEqualTo(new Figure("election", "handover after resign: Baton election", "ms", 10.0, null,
                null, null, 3, 10.0, 15.0));
    }

    @Test
    void aBaselineRowComparesMediansAndHoldsTheBaselinesOwnPercentiles() {
        Figure jetcd = HandoverFigures.of("election", List.of(
                new Handovers(ElectionEvent.KILL, HandoverFigures.BATON, new long[] {2000 * MS, 2400 * MS}, 0),
                new Handovers(ElectionEvent.KILL, "jetcd Election", new long[] {1000 * MS, 1600 * MS, 1200 * MS}, 2)))
                .get(1);

        assertThat(jetcd.baton()).isEqualTo(2000.0);
        assertThat(jetcd.baseline()).isEqualTo(1200.0);
        assertThat(jetcd.baselineName()).isEqualTo("jetcd Election");
        assertThat(jetcd.ratio()).isEqualTo(2000.0 / 1200.0);
        assertThat(jetcd.trials()).isEqualTo(3);
        assertThat(jetcd.p50()).isEqualTo(1200.0);
        assertThat(jetcd.p99()).isEqualTo(1600.0);
        assertThat(jetcd.metric()).isEqualTo("handover after kill -9: jetcd Election, 2 failed trials (p50/p99 its own)");
    }

    @Test
    void anEventWithoutBatonsHandoversIsAnError() {
        assertThatThrownBy(() -> HandoverFigures.of("election", List.of(
                new Handovers(ElectionEvent.RESIGN, "jetcd Election", new long[] {MS}, 0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Baton election handovers after resign");
    }

    @Test
    void millisecondsOfHandovers() {
        assertThat(new Handovers(ElectionEvent.RESIGN, "x", new long[] {1_500_000, 2 * MS}, 0).millis())
                .containsExactly(1.5, 2.0);
    }
}
