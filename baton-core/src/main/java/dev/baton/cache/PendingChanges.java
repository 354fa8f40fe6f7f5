package dev.baton.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The changes one listener has not received yet, coalesced per key: at most one entry per key plus
 * at most one {@link CacheEvent.Kind#RESYNCED} marker, so the queue is bounded by the number of
 * keys whatever the rate of change.
 *
 * <p>A change to a key that already waits replaces the waiting entry, keeping the listener's last
 * seen value as {@code before} and the newest value and revision as {@code after}, and moves the
 * key to the back of the queue. Entries therefore leave in the order of their newest revision, so
 * delivered events never go back in revision. A newer marker replaces a waiting one and also goes to
 * the back, behind every difference of the reload it marks. Not thread-safe.
 */
final class PendingChanges<T> {
    private static final Object MARKER = new Object();

    private final Map<Object, Object> queue = new LinkedHashMap<>();

    void add(KeyChange<T> change) {
        @SuppressWarnings("unchecked")
        KeyChange<T> waiting = (KeyChange<T>) queue.remove(change.key());
        queue.put(change.key(), waiting == null ? change : change.after(waiting));
    }

    void resynced(long revision) {
        queue.remove(MARKER);
        queue.put(MARKER, revision);
    }

    /** The next event to deliver, or null when none waits. Net no-ops are dropped on the way. */
    @SuppressWarnings("unchecked")
    CacheEvent<T> poll() {
        Iterator<Map.Entry<Object, Object>> it = queue.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Object, Object> head = it.next();
            it.remove();
            if (head.getKey() == MARKER) {
                return CacheEvent.resynced((Long) head.getValue());
            }
            CacheEvent<T> event = ((KeyChange<T>) head.getValue()).toEvent();
            if (event != null) {
                return event;
            }
        }
        return null;
    }

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    void clear() {
        queue.clear();
    }
}
