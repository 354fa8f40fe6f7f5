package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChartsTest {

    @Test
    void fileNameIsTheChartNameInLowerCaseWithDashes() {
        assertThat(Charts.fileName("failover latency (ms), kill -9")).isEqualTo("failover-latency-ms-kill-9.png");
    }

    @Test
    void cumulativeDistributionSortsEverySampleOfTheSeries() {
        double[][] line = Charts.cumulative(List.of(new double[] {30, 10}, new double[] {20, 40}));

        assertThat(line[0]).containsExactly(10, 20, 30, 40);
        assertThat(line[1]).containsExactly(0.25, 0.5, 0.75, 1.0);
    }
}
