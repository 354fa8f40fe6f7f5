package dev.baton.chaos.linear;

/**
 * One operation as the search sees it: values interned to numbers (see {@link RegisterModel}),
 * an UNKNOWN outcome as a return at {@link Long#MAX_VALUE}.
 *
 * @param source  the recorded operation this stands for, reported in excerpts
 * @param unknown whether the result was never seen, so the operation may apply at any time after
 *                its invocation, or never
 */
record Operation(RegisterOp source, RegisterOp.Kind kind, int value, int expected, int observed, boolean swapped,
        boolean unknown, long invokedNanos, long returnedNanos) {

    static final long NEVER = Long.MAX_VALUE;

    /** Whether this operation only reads: leaving it out of a history can never add a violation. */
    boolean readOnly() {
        return !unknown && (kind == RegisterOp.Kind.GET || kind == RegisterOp.Kind.CAS && !swapped);
    }

    /** This operation as it looks to a history cut before its response: its result not yet seen. */
    Operation pending() {
        return new Operation(source, kind, value, expected, observed, false, true, invokedNanos, NEVER);
    }

    /** This operation with its invocation moved later, to {@code nanos}. */
    Operation invokedAt(long nanos) {
        return new Operation(source, kind, value, expected, observed, swapped, unknown, nanos, returnedNanos);
    }
}
