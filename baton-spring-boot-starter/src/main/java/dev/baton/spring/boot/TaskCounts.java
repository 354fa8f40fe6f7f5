package dev.baton.spring.boot;

import dev.baton.cache.CacheEvent;
import dev.baton.cache.KeyspaceCache;
import dev.baton.etcd.Etcd;
import dev.baton.tasks.TaskState;
import dev.baton.tasks.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many of a namespace's tasks are in each status, kept rather than read for each answer: a
 * keyspace cache of {@code <ns>tasks/} holds, for each key, only what a count needs (a record's
 * status, or that a spec exists), and its listener moves a task from one count to another as its
 * records change. An answer then costs the same whatever the number of tasks, and no task is read
 * for it; the namespace is read once, when the counts start.
 *
 * <p>A task's status is its done record's when it has one (a finished task), else its state
 * record's, else runnable when it has a spec (a live task without a state record has not run
 * yet). A record that does not decode, and a task with neither spec, state nor done record, count
 * as {@value #UNDECODABLE}.
 */
final class TaskCounts implements AutoCloseable {
    static final String UNDECODABLE = "undecodable";
    /** The cached value of a spec; every other record that is not a state is cached as "". */
    private static final String SPEC = "spec";

    /** Which of its records a task has, as far as a count is concerned. */
    private static final class Task {
        int keys;
        boolean spec;
        String state;
        String done;

        String status() {
            return done != null ? done : state != null ? state : spec ? TaskStatus.RUNNABLE.wireName() : UNDECODABLE;
        }
    }

    private final String tasksPrefix;
    private final Map<String, Task> tasks = new HashMap<>();
    private final Map<String, Long> counts = new HashMap<>();
    private final KeyspaceCache<String> cache;

    /** Reads the tasks of {@code namespace} once (within the keyspace cache's start timeout), then follows their changes. */
    TaskCounts(Etcd etcd, String namespace) {
        this.tasksPrefix = namespace + "tasks/";
        this.cache = KeyspaceCache.builder(etcd, tasksPrefix, TaskCounts::recordValue).listener(this::apply).start();
    }

    /** What a count keeps of a record: the status of a state or done record, {@value #SPEC} for a spec, else "". */
    private static String recordValue(String key, byte[] value) {
        String json = new String(value, StandardCharsets.UTF_8);
        try {
            if (key.endsWith("/state")) {
                return TaskState.decode(json).status().wireName();
            }
            if (key.endsWith("/done")) {
                return TaskState.decodeDone(json).status().wireName();
            }
        } catch (RuntimeException e) {
            return UNDECODABLE;
        }
        return key.endsWith("/" + SPEC) ? SPEC : "";
    }

    private synchronized void apply(CacheEvent<String> event) {
        if (event.key() == null) {
            return;
        }
        String rest = event.key().substring(tasksPrefix.length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        String record = slash < 0 ? "" : rest.substring(slash + 1);
        Task task = tasks.computeIfAbsent(id, any -> new Task());
        if (task.keys > 0) {
            counts.merge(task.status(), -1L, Long::sum);
        }
        String value = event.newValue();
        task.keys += (value != null ? 1 : 0) - (event.oldValue() != null ? 1 : 0);
        switch (record) {
            case SPEC -> task.spec = value != null;
            case "state" -> task.state = value;
            case "done" -> task.done = value;
            default -> {
            }
        }
        if (task.keys > 0) {
            counts.merge(task.status(), 1L, Long::sum);
        } else {
            tasks.remove(id);
        }
    }

    /**
     * How many tasks are in each status, by its lower-case name: every status, 0 when none is in it,
     * then {@value #UNDECODABLE} when a task's records do not decode.
     */
    synchronized Map<String, Long> byStatus() {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (TaskStatus status : TaskStatus.values()) {
            byStatus.put(status.wireName(), counts.getOrDefault(status.wireName(), 0L));
        }
        long undecodable = counts.getOrDefault(UNDECODABLE, 0L);
        if (undecodable > 0) {
            byStatus.put(UNDECODABLE, undecodable);
        }
        return byStatus;
    }

    @Override
    public void close() {
        cache.close();
    }
}
