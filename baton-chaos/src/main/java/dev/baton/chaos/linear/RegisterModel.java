package dev.baton.chaos.linear;

import java.util.Objects;

/** The sequential specification of one register: what an operation needs of the state and leaves behind. */
final class RegisterModel {

    /** The outcome of applying one operation: whether the state allowed it, and the state after. */
    record Step(boolean legal, String state) {
        static final Step ILLEGAL = new Step(false, null);
    }

    private RegisterModel() {
    }

    /**
     * Applies {@code op} to a register holding {@code state} (null: absent). An OK operation is
     * legal only if its observed result is what the register would answer; an UNKNOWN one is
     * always legal (its result was never seen) and a CAS among them swaps exactly when the
     * compare holds.
     */
    static Step apply(String state, RegisterOp op) {
        boolean unknown = op.outcome() == RegisterOp.Outcome.UNKNOWN;
        return switch (op.kind()) {
            case PUT -> new Step(true, op.value());
            case GET -> unknown || Objects.equals(op.observed(), state) ? new Step(true, state) : Step.ILLEGAL;
            case CAS -> {
                boolean matches = Objects.equals(op.expected(), state);
                if (!unknown && matches != op.swapped()) {
                    yield Step.ILLEGAL;
                }
                yield new Step(true, matches ? op.value() : state);
            }
        };
    }
}
