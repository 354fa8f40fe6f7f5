package dev.baton.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the events a cache delivers, the threads they ran on, and replays them into a view. */
final class RecordingCacheListener<T> implements CacheListener<T> {
    final List<CacheEvent<T>> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(CacheEvent<T> event) {
        threads.add(Thread.currentThread().getName());
        events.add(event);
    }

    long markers() {
        return events.stream().filter(e -> e.kind() == CacheEvent.Kind.RESYNCED).count();
    }

    /** Event kinds and keys, e.g. {@code "ADDED p/a"}, {@code "RESYNCED"}. */
    List<String> described() {
        return events.stream().map(e -> e.kind() == CacheEvent.Kind.RESYNCED ? "RESYNCED" : e.kind() + " " + e.key())
                .toList();
    }

    /**
     * The view the events build from nothing. Fails when an event contradicts what came before it:
     * an old value other than the one last delivered for the key (a missed or repeated change), an
     * addition of a key in the view, or a key's revision going back.
     */
    Map<String, T> replay() {
        Map<String, T> view = new LinkedHashMap<>();
        Map<String, Long> lastRevision = new HashMap<>();
        long lastEventRevision = 0;
        List<String> problems = new ArrayList<>();
        for (CacheEvent<T> event : events) {
            if (event.modRevision() < lastEventRevision) {
                problems.add("revision went back to " + event.modRevision() + " after " + lastEventRevision + ": " + event);
            }
            lastEventRevision = event.modRevision();
            if (event.kind() == CacheEvent.Kind.RESYNCED) {
                continue;
            }
            String key = event.key();
            if (!Objects.equals(view.get(key), event.oldValue())) {
                problems.add("old value " + event.oldValue() + " but last delivered " + view.get(key) + ": " + event);
            }
            Long previous = lastRevision.put(key, event.modRevision());
            if (previous != null && previous >= event.modRevision()) {
                problems.add("revision of " + key + " did not advance past " + previous + ": " + event);
            }
            switch (event.kind()) {
                case ADDED -> {
                    if (view.containsKey(key)) {
                        problems.add("added while present: " + event);
                    }
                    view.put(key, event.newValue());
                }
                case CHANGED -> view.put(key, event.newValue());
                case REMOVED, DECODE_FAILED -> view.remove(key);
                default -> problems.add("unexpected " + event);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " inconsistent events, first: " + problems.subList(0,
                    Math.min(5, problems.size())));
        }
        return view;
    }
}
