package dev.baton.session;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records a session's transitions and the monotonic instant each listener call ran. */
final class SessionStates implements SessionListener {
    record Change(SessionState state, long lease, long atNanos, String thread) {
    }

    final List<Change> changes = new CopyOnWriteArrayList<>();
    final ConcurrentHashMap<SessionState, Long> firstAt = new ConcurrentHashMap<>();

    @Override
    public void onStateChange(SessionState state, long lease) {
        long now = System.nanoTime();
        changes.add(new Change(state, lease, now, Thread.currentThread().getName()));
        firstAt.putIfAbsent(state, now);
    }

    List<SessionState> states() {
        return changes.stream().map(Change::state).toList();
    }

    boolean saw(SessionState state) {
        return firstAt.containsKey(state);
    }
}
