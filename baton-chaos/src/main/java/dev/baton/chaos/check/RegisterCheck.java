package dev.baton.chaos.check;

import dev.baton.chaos.linear.LinearizabilityChecker;
import dev.baton.chaos.linear.RegisterOp;
import dev.baton.chaos.linear.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checker 5: per-key linearizability of the register workload, judged by
 * {@link LinearizabilityChecker}. A key whose search runs out of budget is inconclusive: counted
 * in the notes, not a violation.
 */
public final class RegisterCheck {

    static final String NAME = "linearizability";

    private RegisterCheck() {
    }

    public static CheckResult check(List<RegisterOp> history, Duration budgetPerKey) {
        List<Verdict> verdicts = LinearizabilityChecker.check(history, budgetPerKey);
        List<Violation> violations = new ArrayList<>();
        int unknown = 0;
        for (Verdict verdict : verdicts) {
            switch (verdict.result()) {
                case VIOLATION -> violations.add(Violation.of(NAME, verdict.explanation(), verdict.excerpt()));
                case UNKNOWN -> unknown++;
                case LINEARIZABLE -> { }
            }
        }
        long indefinite = history.stream().filter(op -> op.outcome() == RegisterOp.Outcome.UNKNOWN).count();
        return new CheckResult(NAME, history.size(), violations, verdicts.size() + " keys, " + indefinite
                + " operations with unknown outcome" + (unknown > 0 ? ", " + unknown + " keys inconclusive" : ""));
    }
}
