package dev.baton.bench;

import java.util.List;

/**
 * What one scenario produced: its figures, or why it failed.
 *
 * @param scenario the scenario
 * @param figures  its figures; empty when it failed
 * @param failure  why it failed ({@code null} when it succeeded)
 * @param seconds  how long it ran
 */
record Outcome(Scenario scenario, List<Figure> figures, Throwable failure, double seconds) {
    Outcome {
        figures = List.copyOf(figures);
    }

    boolean failed() {
        return failure != null;
    }

    /** One line naming the scenario and the cause. */
    String failureLine() {
        Throwable cause = failure;
        while (cause.getCause() != null && (cause.getMessage() == null || cause.getMessage().equals(
                cause.getCause().toString()))) {
            cause = cause.getCause();
        }
        return "scenario " + scenario.name() + " failed: " + cause;
    }
}
