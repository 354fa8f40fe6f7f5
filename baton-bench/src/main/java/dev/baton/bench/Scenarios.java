package dev.baton.bench;

import dev.baton.bench.alloc.AllocLiveScenario;
import dev.baton.bench.alloc.AllocScenario;
import dev.baton.bench.cache.CacheScenario;
import dev.baton.bench.election.ElectionScenario;
import dev.baton.bench.locks.LocksScenario;
import dev.baton.bench.store.StoreScenario;
import dev.baton.bench.tasks.ClaimScenario;
import dev.baton.bench.tasks.RebalanceScenario;
import dev.baton.bench.tasks.ScaleScenario;
import dev.baton.bench.tasks.ScheduleScenario;
import dev.baton.bench.tasks.SteadyLoadScenario;
import dev.baton.bench.tasks.ThroughputScenario;
import java.util.List;

/** Every scenario of {@code baton bench}, in the order {@code all} runs them. */
public final class Scenarios {
    private Scenarios() {
    }

    public static List<Scenario> all() {
        return List.of(
                new StoreScenario(),
                new ElectionScenario(),
                new LocksScenario(),
                new ClaimScenario(),
                new SteadyLoadScenario(),
                new RebalanceScenario(),
                new ThroughputScenario(),
                new ScaleScenario(),
                new AllocScenario(),
                new AllocLiveScenario(),
                new CacheScenario(),
                new ScheduleScenario());
    }
}
