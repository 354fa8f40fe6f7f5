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
     * operations that cannot be linearized, and an explanation a person can read. A key takes
     * at most about twice {@code budgetPerKey}: once to decide, once more to shorten a
     * violation's excerpt.
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
        KeyHistory history = new KeyHistory(key, ops);
        Verdict impossibleRead = ViolationExcerpt.impossibleRead(history);
        if (impossibleRead != null) {
            return impossibleRead;
        }
        long budgetNanos = saturatedNanos(budget);
        try {
            long deadline = System.nanoTime() + budgetNanos;
            if (new LinearizationSearch(history.searched(), RegisterModel.ABSENT, deadline, false).linearizable()) {
                return new Verdict(Verdict.Result.LINEARIZABLE, key, ops.size(), List.of(),
                        "The " + ops.size() + " operations on " + key + " can be linearized.");
            }
        } catch (LinearizationSearch.BudgetExhausted e) {
            return new Verdict(Verdict.Result.UNKNOWN, key, ops.size(), List.of(),
                    "The search on " + key + " (" + history.searched().size() + " operations to order) did not decide"
                            + " within its budget of " + budget + ".");
        }
        return ViolationExcerpt.of(history, System.nanoTime() + budgetNanos);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }
}
