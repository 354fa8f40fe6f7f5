package dev.baton.chaos.linear;

/**
 * The sequential specification of one register, over interned states.
 *
 * <p>A state is {@link #ABSENT}, a value's number (positive), or {@link #ANY}: "some value we do
 * not know", used when a search starts in the middle of a history. Every transition from ANY
 * allows at least what the transition from any concrete state allows and leads to a state that
 * covers the concrete result, so a search that fails from ANY fails from every concrete start.
 */
final class RegisterModel {

    static final int ABSENT = 0;
    static final int ANY = -1;
    /** Returned by {@link #apply} when the operation's observed result contradicts the state. */
    static final int ILLEGAL = Integer.MIN_VALUE;

    private RegisterModel() {
    }

    /**
     * The state after {@code op} runs on a register holding {@code state}, or {@link #ILLEGAL}.
     * An OK operation is legal only if its observed result is what the register would answer;
     * an UNKNOWN one is always legal (nobody saw its result), a CAS among them swapping exactly
     * when its compare holds.
     */
    static int apply(int state, Operation op) {
        return switch (op.kind()) {
            case PUT -> op.value();
            case GET -> state == ANY || op.observed() == state ? op.observed() : ILLEGAL;
            case CAS -> {
                if (state == ANY) {
                    yield op.unknown() || !op.swapped() ? ANY : op.value();
                }
                boolean matches = op.expected() == state;
                if (!op.unknown() && matches != op.swapped()) {
                    yield ILLEGAL;
                }
                yield matches ? op.value() : state;
            }
        };
    }
}
