package dev.baton.chaos;

import dev.baton.chaos.check.CheckResult;
import dev.baton.chaos.check.Violation;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one run of a scenario did and what the checkers found.
 *
 * @param seed        the seed its schedule was drawn from
 * @param faults      faults injected
 * @param healElections elections the heal of a partition cost the etcd cluster (each judged as a
 *                    store outage of its own, not counted in {@code faults})
 * @param compactions compactions done
 * @param injected    faults injected per nemesis, by name
 * @param checks      one result per checker
 */
record RunResult(long seed, int faults, int healElections, int compactions, Map<String, Long> injected,
                 List<CheckResult> checks) {

    RunResult {
        injected = Collections.unmodifiableMap(new TreeMap<>(injected));
        checks = List.copyOf(checks);
    }

    long operationsChecked() {
        return checks.stream().mapToLong(CheckResult::checked).sum();
    }

    List<Violation> violations() {
        return checks.stream().flatMap(check -> check.violations().stream()).toList();
    }
}
