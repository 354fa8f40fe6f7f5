package dev.baton.chaos.history;

import java.util.Objects;

/**
 * One fault the injector caused.
 *
 * @param nemesis       the kind of fault, as the scenario names it
 * @param target        what was hit: a worker's member id, or a store member
 * @param injectedNanos when the fault began
 * @param healedNanos   when it ended: the process resumed, reconnected or restarted (for a
 *                      worker that was killed, the moment of the kill: its work must move; for
 *                      a partitioned etcd cluster, when its majority had elected a leader)
 * @param storeFault    true when the store was hit rather than a worker
 * @param failoverMeasured true when the store's own failover is inside {@code healedNanos} (the
 *                      majority of a partitioned cluster had elected its leader by then), so no
 *                      failover allowance is added on top of the outage
 */
public record Fault(String nemesis, String target, long injectedNanos, long healedNanos, boolean storeFault,
                    boolean failoverMeasured) {

    /** A fault whose store failover, if any, is not measured. */
    public Fault(String nemesis, String target, long injectedNanos, long healedNanos, boolean storeFault) {
        this(nemesis, target, injectedNanos, healedNanos, storeFault, false);
    }

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
