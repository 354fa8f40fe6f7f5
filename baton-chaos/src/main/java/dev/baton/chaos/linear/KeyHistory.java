package dev.baton.chaos.linear;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorded operations on one key and their form for the search: FAILED operations and
 * UNKNOWN GETs are left out (neither changed the register nor showed anything of it), values are
 * interned to numbers.
 */
final class KeyHistory {

    private final String key;
    private final List<RegisterOp> recorded;
    private final List<Operation> searched = new ArrayList<>();
    private final Map<String, Integer> numbers = new HashMap<>();
    private final List<String> values = new ArrayList<>();

    KeyHistory(String key, List<RegisterOp> recorded) {
        this.key = key;
        this.recorded = List.copyOf(recorded);
        values.add(null);
        for (RegisterOp op : recorded) {
            boolean unknown = op.outcome() == RegisterOp.Outcome.UNKNOWN;
            if (op.outcome() == RegisterOp.Outcome.FAILED || unknown && op.kind() == RegisterOp.Kind.GET) {
                continue;
            }
            searched.add(new Operation(op, op.kind(), number(op.value()), number(op.expected()),
                    op.kind() == RegisterOp.Kind.GET ? number(op.observed()) : RegisterModel.ABSENT,
                    op.kind() == RegisterOp.Kind.CAS && !unknown && op.swapped(), unknown,
                    op.invokedNanos(), unknown ? Operation.NEVER : op.completedNanos()));
        }
    }

    String key() {
        return key;
    }

    List<RegisterOp> recorded() {
        return recorded;
    }

    /** The operations the search orders, in recorded order. */
    List<Operation> searched() {
        return searched;
    }

    /** A state as a person reads it. */
    String describe(int state) {
        if (state == RegisterModel.ANY) {
            return "an unknown value";
        }
        String value = values.get(state);
        return value == null ? "absent" : '"' + value + '"';
    }

    private int number(String value) {
        if (value == null) {
            return RegisterModel.ABSENT;
        }
        return numbers.computeIfAbsent(value, v -> {
            values.add(v);
            return values.size() - 1;
        });
    }

    /**
     * The history as it stood at {@code nanos}: operations invoked later are gone, and those whose
     * response came later are pending (a GET then shows nothing and is left out). A history that
     * cannot be linearized at some time cannot be once it goes on.
     */
    static List<Operation> cutAt(List<Operation> ops, long nanos) {
        List<Operation> cut = new ArrayList<>();
        for (Operation op : ops) {
            if (op.invokedNanos() > nanos) {
                continue;
            }
            if (op.returnedNanos() <= nanos) {
                cut.add(op);
            } else if (op.kind() != RegisterOp.Kind.GET) {
                cut.add(op.pending());
            }
        }
        return cut;
    }

    /**
     * The operations from {@code nanos} on, for a search that starts from {@link RegisterModel#ANY}:
     * those invoked at or after it, and the UNKNOWN ones invoked before it, as if invoked at it.
     * Every operation that completed before {@code nanos} must have completed strictly before it,
     * so each of them precedes everything kept. Then, if the kept operations cannot be linearized
     * from ANY, the whole history cannot: in any linearization of it, the kept operations in the
     * same order, with the UNKNOWN ones that came before {@code nanos} moved to the end (where
     * they may always go), would linearize them from the state reached just before.
     */
    static List<Operation> from(List<Operation> ops, long nanos) {
        List<Operation> window = new ArrayList<>();
        for (Operation op : ops) {
            if (op.invokedNanos() >= nanos) {
                window.add(op);
            } else if (op.unknown()) {
                window.add(op.invokedAt(nanos));
            }
        }
        return window;
    }
}
