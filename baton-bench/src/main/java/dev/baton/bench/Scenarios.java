package dev.baton.bench;

import dev.baton.bench.store.StoreScenario;
import java.util.List;

/** Every scenario of {@code baton bench}, in the order {@code all} runs them. */
public final class Scenarios {
    private Scenarios() {
    }

    public static List<Scenario> all() {
        return List.of(
                new StoreScenario());
    }
}
