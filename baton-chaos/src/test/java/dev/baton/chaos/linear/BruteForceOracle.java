package dev.baton.chaos.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Linearizability by trying every order, written straight from the definition and sharing no
 * code with the checker, for small histories on one key. An operation may go next when no other
 * remaining one returned strictly before it was invoked; UNKNOWN operations may also never apply.
 */
final class BruteForceOracle {

    private BruteForceOracle() {
    }

    static boolean linearizable(List<RegisterOp> history) {
        List<RegisterOp> remaining = new ArrayList<>();
        for (RegisterOp op : history) {
            if (op.outcome() != RegisterOp.Outcome.FAILED) {
                remaining.add(op);
            }
        }
        return search(null, remaining);
    }

    private static boolean search(String state, List<RegisterOp> remaining) {
        boolean onlyUnknown = remaining.stream().allMatch(op -> op.outcome() == RegisterOp.Outcome.UNKNOWN);
        if (onlyUnknown) {
            return true;
        }
        for (int i = 0; i < remaining.size(); i++) {
            RegisterOp op = remaining.get(i);
            if (remaining.stream().anyMatch(other -> returned(other) < op.invokedNanos())) {
                continue;
            }
            List<RegisterOp> rest = new ArrayList<>(remaining);
            rest.remove(i);
            for (String after : statesAfter(state, op)) {
                if (search(after, rest)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long returned(RegisterOp op) {
        return op.outcome() == RegisterOp.Outcome.UNKNOWN ? Long.MAX_VALUE : op.completedNanos();
    }

    /** The states {@code op} may leave; none when its observed result contradicts {@code state}. */
    private static List<String> statesAfter(String state, RegisterOp op) {
        boolean unknown = op.outcome() == RegisterOp.Outcome.UNKNOWN;
        List<String> after = new ArrayList<>();
        switch (op.kind()) {
            case PUT -> after.add(op.value());
            case GET -> {
                if (unknown || Objects.equals(state, op.observed())) {
                    after.add(state);
                }
            }
            case CAS -> {
                boolean matches = Objects.equals(state, op.expected());
                if (unknown || matches == Boolean.parseBoolean(op.observed())) {
                    after.add(matches ? op.value() : state);
                }
            }
        }
        return after;
    }
}
