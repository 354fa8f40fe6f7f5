package dev.baton.tasks;

/**
 * Decides, for one member and one view of the store, which tasks the member releases and which
 * it tries to claim. A balancer is a pure function of the view: members that see the same
 * revision reach consistent decisions without talking to each other, and the runner asks again
 * whenever the view changes or a balance command arrives.
 *
 * <p>Contract for implementations: release only tasks {@code view.self()} holds; claim only
 * tasks in {@code view.unclaimed()} and never one in {@code view.heldOff()}; return quickly
 * (the runner calls it on every change), and never block.
 */
@FunctionalInterface
public interface Balancer {

    BalanceDecision decide(BalanceView view);
}
