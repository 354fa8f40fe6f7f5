package dev.baton.server;

import java.util.ArrayList;
import java.util.List;

/** The end of a client's interest in a call: what is registered runs once, when the call is cancelled. */
final class Cancellation {
    private final List<Runnable> actions = new ArrayList<>();
    private boolean cancelled;

    /**
     * Runs {@code action} on cancellation, or now when already cancelled. Returns what forgets
     * the action, for when it is no longer needed.
     */
    Runnable onCancel(Runnable action) {
        synchronized (this) {
            if (!cancelled) {
                actions.add(action);
                return () -> forget(action);
            }
        }
        action.run();
        return () -> { };
    }

    private synchronized void forget(Runnable action) {
        actions.remove(action);
    }

    void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = new ArrayList<>(actions);
            actions.clear();
        }
        toRun.forEach(Runnable::run);
    }

    synchronized boolean isCancelled() {
        return cancelled;
    }
}
