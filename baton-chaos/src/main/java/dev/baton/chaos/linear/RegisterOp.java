package dev.baton.chaos.linear;

/**
 * One operation of the register workload on one key, as a client saw it.
 *
 * <p>{@code value} is what a PUT writes or what a CAS writes when it swaps; {@code expected} is the
 * value a CAS compares with ({@code null}: the key must be absent). Times are from one monotonic
 * clock shared by every process of the history (nanoseconds, any origin).
 *
 * <p>The constructor rejects an operation that cannot be judged: {@code process}, {@code key},
 * {@code kind} or {@code outcome} missing, a PUT or CAS without a value, a GET or PUT carrying
 * fields only other kinds have, an OK CAS whose {@code observed} is neither "true" nor "false",
 * and an OK or FAILED operation completed before it was invoked.
 */
public record RegisterOp(String process, String key, Kind kind, String value, String expected,
        long invokedNanos, long completedNanos, Outcome outcome, String observed) {

    public enum Kind { PUT, GET, CAS }

    /**
     * OK: the response arrived (for CAS, {@code observed} is "true" if it swapped, "false" if the
     * compare failed; for GET, {@code observed} is the value read, null when absent).
     * FAILED: definitely did not take effect (rejected before it could apply).
     * UNKNOWN: no response (timeout, connection lost) — may or may not have taken effect, at any
     * time after invokedNanos; completedNanos is ignored.
     */
    public enum Outcome { OK, FAILED, UNKNOWN }

    public RegisterOp {
        requirePresent(process, "process", process, key, kind);
        requirePresent(key, "key", process, key, kind);
        requirePresent(kind, "kind", process, key, kind);
        requirePresent(outcome, "outcome", process, key, kind);
        String self = describe(process, key, kind, value, expected, invokedNanos, completedNanos, outcome, observed);
        switch (kind) {
            case PUT -> {
                require(value != null, "a PUT needs a value", self);
                require(expected == null, "a PUT has no expected value", self);
                require(observed == null, "a PUT observes nothing", self);
            }
            case GET -> {
                require(value == null, "a GET writes no value", self);
                require(expected == null, "a GET has no expected value", self);
                require(outcome == Outcome.OK || observed == null, "only an OK GET observes a value", self);
            }
            case CAS -> {
                require(value != null, "a CAS needs a value to write", self);
                if (outcome == Outcome.OK) {
                    require("true".equals(observed) || "false".equals(observed),
                            "an OK CAS observes \"true\" or \"false\"", self);
                } else {
                    require(observed == null, "only an OK CAS observes its result", self);
                }
            }
        }
        require(outcome == Outcome.UNKNOWN || completedNanos >= invokedNanos,
                "completed before it was invoked", self);
    }

    /** For CAS: whether this OK operation swapped. */
    boolean swapped() {
        return "true".equals(observed);
    }

    @Override
    public String toString() {
        return describe(process, key, kind, value, expected, invokedNanos, completedNanos, outcome, observed);
    }

    private static String describe(String process, String key, Kind kind, String value, String expected,
            long invokedNanos, long completedNanos, Outcome outcome, String observed) {
        StringBuilder text = new StringBuilder();
        text.append(process).append(' ').append(kind).append(' ').append(key);
        if (kind == Kind.CAS) {
            text.append(' ').append(quoted(expected)).append("->").append(quoted(value));
        } else if (kind == Kind.PUT) {
            text.append(' ').append(quoted(value));
        }
        text.append(" [").append(invokedNanos).append(", ");
        text.append(outcome == Outcome.UNKNOWN ? "?" : Long.toString(completedNanos)).append("] ").append(outcome);
        if (outcome == Outcome.OK && kind != Kind.PUT) {
            text.append(' ').append(kind == Kind.GET ? quoted(observed) : observed);
        }
        return text.toString();
    }

    private static String quoted(String value) {
        return value == null ? "absent" : '"' + value + '"';
    }

    private static void requirePresent(Object field, String name, String process, String key, Kind kind) {
        if (field == null) {
            throw new IllegalArgumentException("register operation " + process + " " + kind + " " + key
                    + " has no " + name);
        }
    }

    private static void require(boolean condition, String rule, String operation) {
        if (!condition) {
            throw new IllegalArgumentException("invalid register operation (" + rule + "): " + operation);
        }
    }
}
