package dev.baton.chaos.linear;

import dev.baton.chaos.linear.RegisterOp.Kind;
import dev.baton.chaos.linear.RegisterOp.Outcome;

/** Short constructors for register operations on key "k", to write histories as tables. */
final class Ops {

    static final String KEY = "k";

    private Ops() {
    }

    static RegisterOp put(String process, String value, long invoked, long completed) {
        return new RegisterOp(process, KEY, Kind.PUT, value, null, invoked, completed, Outcome.OK, null);
    }

    static RegisterOp putUnknown(String process, String value, long invoked) {
        return new RegisterOp(process, KEY, Kind.PUT, value, null, invoked, 0, Outcome.UNKNOWN, null);
    }

    static RegisterOp putFailed(String process, String value, long invoked, long completed) {
        return new RegisterOp(process, KEY, Kind.PUT, value, null, invoked, completed, Outcome.FAILED, null);
    }

    /** A GET that read {@code observed} (null: absent). */
    static RegisterOp get(String process, String observed, long invoked, long completed) {
        return new RegisterOp(process, KEY, Kind.GET, null, null, invoked, completed, Outcome.OK, observed);
    }

    static RegisterOp getUnknown(String process, long invoked) {
        return new RegisterOp(process, KEY, Kind.GET, null, null, invoked, 0, Outcome.UNKNOWN, null);
    }

    static RegisterOp cas(String process, String expected, String value, long invoked, long completed, boolean swapped) {
        return new RegisterOp(process, KEY, Kind.CAS, value, expected, invoked, completed, Outcome.OK,
                Boolean.toString(swapped));
    }

    static RegisterOp casUnknown(String process, String expected, String value, long invoked) {
        return new RegisterOp(process, KEY, Kind.CAS, value, expected, invoked, 0, Outcome.UNKNOWN, null);
    }

    static RegisterOp onKey(RegisterOp op, String key) {
        return new RegisterOp(op.process(), key, op.kind(), op.value(), op.expected(), op.invokedNanos(),
                op.completedNanos(), op.outcome(), op.observed());
    }

    static RegisterOp observing(RegisterOp op, String observed) {
        return new RegisterOp(op.process(), op.key(), op.kind(), op.value(), op.expected(), op.invokedNanos(),
                op.completedNanos(), op.outcome(), observed);
    }
}
