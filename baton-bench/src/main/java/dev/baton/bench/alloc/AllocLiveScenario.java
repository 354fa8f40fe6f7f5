package dev.baton.bench.alloc;

import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Scenario;
import dev.baton.etcd.Etcd;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The allocator's leader on a live store, end to end, on real etcd and on the embedded server:
 * N items × 3 replicas placed over M members in 3 zones, then a member joins, one leaves
 * gracefully, and one more joins whose replicas each take {@value #READINESS_DELAY_MS} ms to
 * report ready. Each phase's wall time and rounds are reported next to the goals of issue 16,
 * and its moves next to their lower bound ({@link MoveLowerBound}). Full: 3,000 items over 30
 * members and 30,000 over 300; quick: 1,000 over 12.
 */
public final class AllocLiveScenario implements Scenario {
    private static final String NAME = "alloc-live";
    private static final long READINESS_DELAY_MS = 200;
    private static final String GOAL = "goal";
    private static final String LOWER_BOUND = "lower bound";

    /** One problem size and the goals that apply to it (NaN where none is set). */
    private record Size(int items, int members, double placeSeconds, double placeRounds, double changeSeconds) {
        String label() {
            return String.format(Locale.ROOT, "%,d items × 3 over %,d members", items, members);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "the allocator on a live store (etcd and the embedded server): time and rounds to place, absorb a join"
                + " and a leave, moves next to the lower bound";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        List<Size> sizes = run.quick()
                ? List.of(new Size(1_000, 12, Double.NaN, 5, Double.NaN))
                : List.of(new Size(3_000, 30, 3, 5, 2), new Size(30_000, 300, 30, Double.NaN, Double.NaN));
        List<Figure> figures = new ArrayList<>();
        String etcd = run.startEtcd("--quota-backend-bytes=8589934592").endpoint();
        String embedded = run.startEmbeddedServer("-Xmx2g").endpoint();
        for (Size size : sizes) {
            figures.addAll(measure(run, "etcd", etcd, size));
            figures.addAll(measure(run, "embedded server", embedded, size));
        }
        return figures;
    }

    private List<Figure> measure(BenchRun run, String server, String endpoint, Size size) throws Exception {
        run.progress("%s on %s", size.label(), server);
        List<LiveAllocation.Phase> phases = new ArrayList<>();
        try (Etcd etcd = Etcd.builder().endpoints(endpoint).requestTimeout(Duration.ofSeconds(30)).build();
             LiveAllocation allocation = new LiveAllocation(run, etcd, "live-" + size.items() + "/", size.items(),
                     size.members())) {
            phases.add(allocation.place(size.members()));
            phases.add(allocation.join("join", "member-joined", Duration.ZERO));
            phases.add(allocation.leave("member-0000"));
            phases.add(allocation.join("join, " + READINESS_DELAY_MS + " ms readiness per replica", "member-slow",
                    Duration.ofMillis(READINESS_DELAY_MS)));
        }
        List<Figure> figures = new ArrayList<>();
        for (LiveAllocation.Phase phase : phases) {
            run.progress("%s: %s %.2f s, %d rounds (%d solves; %s), %d moves (lower bound %d)", server,
                    phase.name(), phase.seconds(), phase.rounds(), phase.solves(), phase.steps(), phase.moves(),
                    phase.lowerBound());
            String of = phase.name() + ", " + size.label() + ", " + server;
            double goalSeconds = switch (phase.name()) {
                case "placement" -> size.placeSeconds();
                case "join", "leave" -> size.changeSeconds();
                default -> Double.NaN;
            };
            figures.add(withGoal(Figure.alone(NAME, "time, " + of, "s", phase.seconds()), goalSeconds));
            double goalRounds = phase.name().equals("placement") ? size.placeRounds() : Double.NaN;
            figures.add(withGoal(Figure.alone(NAME, "rounds, " + of, "rounds", phase.rounds()), goalRounds));
            figures.add(Figure.compared(NAME, "moves, " + of, "replicas", phase.moves(), phase.lowerBound(),
                    LOWER_BOUND));
        }
        return figures;
    }

    private static Figure withGoal(Figure figure, double goal) {
        return Double.isNaN(goal) ? figure
                : Figure.compared(figure.scenario(), figure.metric(), figure.unit(), figure.baton(), goal, GOAL);
    }
}
