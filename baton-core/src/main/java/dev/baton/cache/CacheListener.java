package dev.baton.cache;

/**
 * Receives a cache's change events, one at a time, in revision order, on the cache's listener
 * executor (never on an I/O thread). A listener that throws is logged and keeps receiving events.
 *
 * @param <T> the decoded value type
 */
@FunctionalInterface
public interface CacheListener<T> {

    void onEvent(CacheEvent<T> event);
}
