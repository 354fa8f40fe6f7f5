package dev.baton.bench.election;

import dev.baton.bench.Figure;
import dev.baton.bench.Percentiles;
import java.util.ArrayList;
import java.util.List;

/**
 * The election scenario's figures, one per system and event. Baton's row has Baton's median as
 * its value and Baton's p50/p99. A baseline's row puts Baton's median next to the baseline's
 * (so the ratio is Baton's p50 over the baseline's), and its p50/p99 columns are the baseline's
 * own, as its metric says.
 */
final class HandoverFigures {
    static final String BATON = "Baton election";

    private HandoverFigures() {
    }

    /** @param handovers every system's handovers for every event; Baton's must be among them */
    static List<Figure> of(String scenario, List<Handovers> handovers) {
        List<Figure> figures = new ArrayList<>();
        for (ElectionEvent event : ElectionEvent.values()) {
            List<Handovers> ofEvent = handovers.stream().filter(h -> h.event() == event).toList();
            if (ofEvent.isEmpty()) {
                continue;
            }
            Handovers baton = ofEvent.stream().filter(h -> h.system().equals(BATON)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no " + BATON + " handovers after " + event.label()));
            double[] batonMillis = baton.millis();
            double batonP50 = Percentiles.median(batonMillis);
            figures.add(Figure.alone(scenario, metric(event, baton), "ms", batonP50)
                    .withTrials(batonMillis.length)
                    .withPercentiles(batonP50, Percentiles.of(batonMillis, 0.99)));
            for (Handovers baseline : ofEvent) {
                if (baseline == baton) {
                    continue;
                }
                double[] millis = baseline.millis();
                double p50 = Percentiles.median(millis);
                figures.add(Figure.compared(scenario, metric(event, baseline) + " (p50/p99 its own)", "ms", batonP50,
                                p50, baseline.system())
                        .withTrials(millis.length)
                        .withPercentiles(p50, Percentiles.of(millis, 0.99)));
            }
        }
        return figures;
    }

    private static String metric(ElectionEvent event, Handovers handovers) {
        String failed = handovers.failures() == 0 ? ""
                : ", " + handovers.failures() + " failed trial" + (handovers.failures() == 1 ? "" : "s");
        return "handover after " + event.label() + ": " + handovers.system() + failed;
    }
}
