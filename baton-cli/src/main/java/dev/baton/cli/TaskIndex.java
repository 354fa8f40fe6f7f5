package dev.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.cache.CacheEvent;
import dev.baton.tasks.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A namespace's tasks by id, by state and by owner, kept up to date from the keyspace cache's
 * events ({@link #apply}) rather than read again for every request: the counts by state and by
 * owner are sizes of sets, and the ids a filtered page shows are found in the set of its state or
 * owner, from the id it continues after, so neither depends on how many tasks the namespace holds.
 *
 * <p>Ids are ordered as the store orders their keys ({@code <ns>tasks/<id>/...}, byte by byte in
 * UTF-8), so a page of the index continues exactly where a page of the keyspace would. The index
 * follows the cache's listener, which runs a little behind the cache itself: a reader that needs the
 * tasks' records reads them from a snapshot and checks them again ({@link TaskPages}).
 */
final class TaskIndex {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the index knows of one task: how many of its keys exist, whether it has a spec, its state and its owner. */
    private static final class Task {
        final String id;
        int keys;
        boolean spec;
        /** Of its state record; null while it has none. */
        Optional<TaskStatus> state;
        boolean done;
        Optional<TaskStatus> doneState = Optional.empty();
        String owner;

        Task(String id) {
            this.id = id;
        }

        /**
         * The state of its done record when it has one (a finished task), else of its state record,
         * else runnable when it has a spec (a live task without a state record has not run yet).
         */
        Optional<TaskStatus> status() {
            return done ? doneState : state != null ? state : spec ? Optional.of(TaskStatus.RUNNABLE) : Optional.empty();
        }
    }

    private final String tasksPrefix;
    /** By sort key ({@link #sortKey}): every task with at least one key. */
    private final TreeMap<String, Task> tasks = new TreeMap<>();
    private final Map<TaskStatus, NavigableSet<String>> byState = new EnumMap<>(TaskStatus.class);
    private final Map<String, NavigableSet<String>> byOwner = new HashMap<>();
    private long revision;

    TaskIndex(String namespace) {
        this.tasksPrefix = namespace + "tasks/";
        for (TaskStatus status : TaskStatus.values()) {
            byState.put(status, new TreeSet<>());
        }
    }

    /**
     * A string whose natural order is the store's order of the keys of task {@code id}: the UTF-8
     * bytes of {@code id/}, one character per byte.
     */
    static String sortKey(String id) {
        return bytes(id + "/");
    }

    /** The UTF-8 bytes of {@code text}, one character per byte, so that strings of them order as the bytes do. */
    private static String bytes(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Takes in one change of the namespace's cache; keys that are not a task's are ignored. */
    synchronized void apply(CacheEvent<String> event) {
        revision = Math.max(revision, event.modRevision());
        if (event.key() == null || !event.key().startsWith(tasksPrefix)) {
            return;
        }
        String rest = event.key().substring(tasksPrefix.length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        if (id.isEmpty()) {
            return;
        }
        String record = slash < 0 ? "" : rest.substring(slash + 1);
        String key = sortKey(id);
        Task task = tasks.computeIfAbsent(key, k -> new Task(id));
        unindex(key, task);
        task.keys += (event.newValue() != null ? 1 : 0) - (event.oldValue() != null ? 1 : 0);
        String value = event.newValue();
        switch (record) {
            case "spec" -> task.spec = value != null;
            case "state" -> task.state = value == null ? null : TaskPages.statusOf(value);
            case "done" -> {
                task.done = value != null;
                task.doneState = value == null ? Optional.empty() : TaskPages.statusOf(value);
            }
            case "owner" -> task.owner = value;
            default -> {
            }
        }
        if (task.keys <= 0) {
            tasks.remove(key);
        } else {
            index(key, task);
        }
    }

    private void index(String key, Task task) {
        task.status().ifPresent(status -> byState.get(status).add(key));
        if (task.owner != null) {
            byOwner.computeIfAbsent(task.owner, owner -> new TreeSet<>()).add(key);
        }
    }

    private void unindex(String key, Task task) {
        task.status().ifPresent(status -> byState.get(status).remove(key));
        if (task.owner != null) {
            NavigableSet<String> held = byOwner.get(task.owner);
            held.remove(key);
            if (held.isEmpty()) {
                byOwner.remove(task.owner);
            }
        }
    }

    /**
     * {@code {"revision", "total", "states": {state: n}, "held": {member: n}}}: how many tasks are in
     * each state (every state is listed, with 0 when none is) and how many claims each member holds,
     * as of the last change taken in (whose revision is given).
     */
    synchronized ObjectNode counts() {
        ObjectNode counts = JSON.createObjectNode().put("revision", revision).put("total", tasks.size());
        ObjectNode states = counts.putObject("states");
        byState.forEach((status, ids) -> states.put(status.wireName(), ids.size()));
        ObjectNode held = counts.putObject("held");
        new TreeMap<>(byOwner).forEach((owner, ids) -> held.put(owner, ids.size()));
        return counts;
    }

    /**
     * The ids of at most {@code max} tasks that {@code query}'s state, owner and prefix select,
     * in key order, from the first after {@code after} (from the first of all when empty). The
     * query's own {@code after} and limit are not read.
     */
    synchronized List<String> ids(TaskQuery query, Optional<String> after, int max) {
        NavigableSet<String> candidates = candidates(query);
        String prefix = bytes(query.prefix());
        NavigableSet<String> range = candidates.tailSet(prefix, true);
        if (after.isPresent() && sortKey(after.get()).compareTo(prefix) >= 0) {
            range = candidates.tailSet(sortKey(after.get()), false);
        }
        List<String> ids = new ArrayList<>();
        Iterator<String> keys = range.iterator();
        while (ids.size() < max && keys.hasNext()) {
            String key = keys.next();
            if (!key.startsWith(prefix)) {
                break;
            }
            Task task = tasks.get(key);
            if (matches(task, query)) {
                ids.add(task.id);
            }
        }
        return ids;
    }

    /** The smallest set that holds every task the query selects. */
    private NavigableSet<String> candidates(TaskQuery query) {
        NavigableSet<String> all = tasks.navigableKeySet();
        NavigableSet<String> ofState = query.state().map(byState::get).orElse(all);
        NavigableSet<String> ofOwner = query.owner().map(owner -> byOwner.getOrDefault(owner, Collections.emptyNavigableSet()))
                .orElse(all);
        return ofState.size() <= ofOwner.size() ? ofState : ofOwner;
    }

    private static boolean matches(Task task, TaskQuery query) {
        return (query.state().isEmpty() || task.status().equals(query.state()))
                && (query.owner().isEmpty() || query.owner().get().equals(task.owner));
    }
}
