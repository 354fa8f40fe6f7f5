package dev.baton.chaos.history;

import java.util.Objects;

/**
 * One fault the injector caused.
 *
 * @param nemesis       the kind of fault, as the scenario names it
 * @param target        what was hit: a worker's member id, or a store member
 * @param injectedNanos when the fault began
 * @param healedNanos   when it ended: the process resumed, reconnected or restarted (for a
 *                      worker that was killed, the moment of the kill: its work must move)
 * @param storeFault    true when the store was hit rather than a worker
 */
public record Fault(String nemesis, String target, long injectedNanos, long healedNanos, boolean storeFault) {

    public Fault {
        Objects.requireNonNull(nemesis, "nemesis");
        Objects.requireNonNull(target, "target");
        if (healedNanos - injectedNanos < 0) {
            throw new IllegalArgumentException("fault " + nemesis + " on " + target + " healed before it began");
        }
    }

    @Override
    public String toString() {
        return nemesis + " of " + target + " t=" + injectedNanos / 1_000_000 + "ms for "
                + (healedNanos - injectedNanos) / 1_000_000 + " ms";
    }
}
