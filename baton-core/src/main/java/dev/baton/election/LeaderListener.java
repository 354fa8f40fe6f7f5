package dev.baton.election;

import java.util.Optional;

/** Told who leads an election; see {@link Election#observe(LeaderListener)}. */
@FunctionalInterface
public interface LeaderListener {

    /**
     * The leader is now {@code leader} (empty: nobody campaigns). Called first with the leader at
     * the time of observing, then on every change of leader or of its value; never twice in a row
     * with the same leader key and revision. Calls for one observer are made one at a time, in
     * store order, on the connection's callback executor.
     */
    void onLeaderChange(Optional<Leader> leader);
}
