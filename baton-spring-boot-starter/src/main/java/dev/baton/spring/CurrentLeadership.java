package dev.baton.spring;

import dev.baton.election.Leadership;

/** The leadership a {@link LeaderOnly} method is running under, for the method to fence its writes. */
public final class CurrentLeadership {
    private static final ThreadLocal<Leadership> CURRENT = new ThreadLocal<>();

    private CurrentLeadership() {
    }

    /**
     * The leadership of the {@link LeaderOnly} method running on this thread.
     *
     * @throws IllegalStateException outside a {@link LeaderOnly} method
     */
    public static Leadership get() {
        Leadership leadership = CURRENT.get();
        if (leadership == null) {
            throw new IllegalStateException("CurrentLeadership.get() is only available inside a @LeaderOnly method");
        }
        return leadership;
    }

    static Leadership swap(Leadership leadership) {
        Leadership previous = CURRENT.get();
        if (leadership == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(leadership);
        }
        return previous;
    }
}
