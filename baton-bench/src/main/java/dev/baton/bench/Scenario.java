package dev.baton.bench;

import java.util.List;

/**
 * A benchmark scenario: one capability of Baton measured next to what users would pick instead,
 * in the same run on the same machine. Scenarios are listed in {@link Scenarios}.
 *
 * <p>A scenario starts what it needs through its {@link BenchRun} (which stops it afterwards),
 * reports progress on {@link BenchRun#progress()}, shrinks its sizes when {@link BenchRun#quick()}
 * (never skipping a figure), and returns its figures. Throwing means it could not produce them:
 * the run reports the cause, goes on with the other scenarios and exits with 1.
 */
public interface Scenario {
    /** The name on the command line: lower case, words joined by '-'. */
    String name();

    /** One sentence: what is measured against what. */
    String summary();

    /** Runs the scenario and returns its figures, at least one. */
    List<Figure> run(BenchRun run) throws Exception;
}
