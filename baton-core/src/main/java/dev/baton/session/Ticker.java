package dev.baton.session;

/** A monotonic clock in nanoseconds; injectable so timing behaviour is testable. */
@FunctionalInterface
public interface Ticker {

    long nanos();

    /** {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
