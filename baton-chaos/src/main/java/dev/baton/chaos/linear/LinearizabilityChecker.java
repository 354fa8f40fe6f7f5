package dev.baton.chaos.linear;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Judges a register history key by key; see the package documentation for the model. */
public final class LinearizabilityChecker {

    private LinearizabilityChecker() {
    }

    /**
     * Checks each key independently (the register is per key; initial value absent = null).
     * Returns one verdict per key, in key order; a VIOLATION carries the minimal excerpt of
     * operations that cannot be linearized, and an explanation a person can read.
     *
     * @throws IllegalArgumentException if the history holds a null operation or the budget is not positive
     */
    public static List<Verdict> check(List<RegisterOp> history, Duration budgetPerKey) {
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(budgetPerKey, "budgetPerKey");
        if (budgetPerKey.isNegative() || budgetPerKey.isZero()) {
            throw new IllegalArgumentException("budget per key must be positive: " + budgetPerKey);
        }
        Map<String, List<RegisterOp>> byKey = new TreeMap<>();
        for (int i = 0; i < history.size(); i++) {
            RegisterOp op = history.get(i);
            if (op == null) {
                throw new IllegalArgumentException("history operation " + i + " is null");
            }
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        List<Verdict> verdicts = new ArrayList<>(byKey.size());
        byKey.forEach((key, ops) -> verdicts.add(checkKey(key, ops, budgetPerKey)));
        return verdicts;
    }

    private static Verdict checkKey(String key, List<RegisterOp> ops, Duration budget) {
        List<RegisterOp> searched = new ArrayList<>();
        for (RegisterOp op : ops) {
            if (op.outcome() != RegisterOp.Outcome.FAILED
                    && !(op.kind() == RegisterOp.Kind.GET && op.outcome() == RegisterOp.Outcome.UNKNOWN)) {
                searched.add(op);
            }
        }
        long deadline = System.nanoTime() + budget.toNanos();
        try {
            if (search(null, searched, deadline)) {
                return new Verdict(Verdict.Result.LINEARIZABLE, key, ops.size(), List.of(),
                        "the operations on " + key + " can be linearized");
            }
            return new Verdict(Verdict.Result.VIOLATION, key, ops.size(), searched,
                    "no order of the operations on " + key + " respects real time and register semantics");
        } catch (BudgetExhausted e) {
            return new Verdict(Verdict.Result.UNKNOWN, key, ops.size(), List.of(),
                    "the search on " + key + " ran out of its budget of " + budget);
        }
    }

    private static boolean search(String state, List<RegisterOp> remaining, long deadline) {
        if (remaining.isEmpty()) {
            return true;
        }
        if (System.nanoTime() - deadline > 0) {
            throw new BudgetExhausted();
        }
        long firstReturn = Long.MAX_VALUE;
        for (RegisterOp op : remaining) {
            firstReturn = Math.min(firstReturn, returnNanos(op));
        }
        for (int i = 0; i < remaining.size(); i++) {
            RegisterOp op = remaining.get(i);
            if (op.invokedNanos() > firstReturn) {
                continue;
            }
            RegisterModel.Step step = RegisterModel.apply(state, op);
            if (step.legal()) {
                List<RegisterOp> rest = new ArrayList<>(remaining);
                rest.remove(i);
                if (search(step.state(), rest, deadline)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long returnNanos(RegisterOp op) {
        return op.outcome() == RegisterOp.Outcome.UNKNOWN ? Long.MAX_VALUE : op.completedNanos();
    }

    private static final class BudgetExhausted extends RuntimeException {
        BudgetExhausted() {
            super(null, null, false, false);
        }
    }
}
