package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The fleet's metrics as scraped. */
class FleetMetricsTest {
    @Test
    void theWatchLagIsReadAfterAGarbageCollectionThatLeftItsSupplierOnlyInTheGauge() {
        FleetMetrics metrics = new FleetMetrics();
        AtomicInteger pending = new AtomicInteger(3);
        metrics.watchLag(pending::get);

        System.gc();

        assertThat(metrics.scrape(Map.of(), Map.of())).contains("baton_watch_lag_events 3.0");
    }
}
