package dev.baton.bench.alloc;

import dev.baton.alloc.Assignment;
import dev.baton.bench.BenchRun;
import dev.baton.bench.Figure;
import dev.baton.bench.Percentiles;
import dev.baton.bench.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code AllocationSolver} at scale: the time of a fresh placement of N items × 3 replicas over
 * 1,000 members in 3 zones (N = 10,000, 100,000, 1,000,000; quick: 1,000, 10,000, 100,000), and
 * the moves a member joining, a member leaving and a replica count changing by one cause, each
 * next to its lower bound ({@link MoveLowerBound}).
 */
public final class AllocScenario implements Scenario {
    private static final String NAME = "alloc";
    private static final int MEMBERS = 1_000;
    private static final String LOWER_BOUND = "lower bound";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "allocation solver time at N items × 3 replicas over 1,000 members, and moves per change next to"
                + " the lower bound";
    }

    @Override
    public List<Figure> run(BenchRun run) throws Exception {
        int[] sizes = run.quick() ? new int[] {1_000, 10_000, 100_000} : new int[] {10_000, 100_000, 1_000_000};
        int trials = run.size(3, 1);
        List<Figure> figures = new ArrayList<>();
        double[] wallBySize = new double[sizes.length];
        double[] cpuBySize = new double[sizes.length];
        for (int s = 0; s < sizes.length; s++) {
            int items = sizes[s];
            run.progress("%,d items × %d replicas over %,d members", items, SolverScale.REPLICAS, MEMBERS);
            SolverScale scale = new SolverScale(items, MEMBERS);
            // One untimed solve first: the JIT compiles the solver, and its result is the converged state.
            List<Assignment> converged = SolverScale.Timed.solve(scale.items, scale.members, List.of())
                    .allocation().assignments();
            double[] wall = new double[trials];
            double[] cpu = new double[trials];
            for (int t = 0; t < trials; t++) {
                SolverScale.Timed fresh = SolverScale.Timed.solve(scale.items, scale.members, List.of());
                wall[t] = fresh.wallMillis();
                cpu[t] = fresh.cpuMillis();
            }
            wallBySize[s] = Percentiles.median(wall);
            cpuBySize[s] = Percentiles.median(cpu);
            String size = String.format(Locale.ROOT, "%,d items × 3", items);
            figures.add(Figure.alone(NAME, "solver time, fresh placement, " + size, "ms", wallBySize[s])
                    .withTrials(trials));
            figures.add(Figure.alone(NAME, "solver CPU time, fresh placement, " + size, "ms", cpuBySize[s])
                    .withTrials(trials));
            for (SolverScale.Moves moves : scale.changes(converged)) {
                figures.add(Figure.compared(NAME, "moves when " + moves.change() + ", " + size, "replicas",
                        moves.moves(), moves.lowerBound(), LOWER_BOUND));
            }
        }
        double[] x = new double[sizes.length];
        for (int s = 0; s < sizes.length; s++) {
            x[s] = sizes[s];
        }
        run.points("solver time vs items", "items (× 3 replicas, 1,000 members)", "milliseconds", "wall clock", x,
                wallBySize);
        run.points("solver time vs items", "items (× 3 replicas, 1,000 members)", "milliseconds", "CPU", x,
                cpuBySize);
        return figures;
    }
}
