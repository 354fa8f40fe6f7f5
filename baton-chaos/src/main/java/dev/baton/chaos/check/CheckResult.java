package dev.baton.chaos.check;

import java.util.List;
import java.util.Objects;

/**
 * What one checker found in one history.
 *
 * @param checker    the checker's name
 * @param checked    how many records (operations, writes, events, recoveries) it judged
 * @param violations what it found broken; empty when the invariant held
 * @param notes      figures worth printing (e.g. the slowest recovery), possibly empty
 */
public record CheckResult(String checker, long checked, List<Violation> violations, String notes) {

    public CheckResult {
        Objects.requireNonNull(checker, "checker");
        violations = List.copyOf(violations);
        Objects.requireNonNull(notes, "notes");
    }

    public boolean passed() {
        return violations.isEmpty();
    }
}
