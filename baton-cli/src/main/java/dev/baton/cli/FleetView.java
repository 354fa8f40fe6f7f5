package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.cache.CacheEntry;
import dev.baton.cache.CacheEvent;
import dev.baton.cache.CacheSnapshot;
import dev.baton.cache.KeyspaceCache;
import dev.baton.cache.ValueDecoder;
import dev.baton.etcd.Etcd;
import dev.baton.tasks.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A live picture of one namespace's fleet, mirrored through a keyspace cache: members (with their
 * worker records and leases), the leader, and the tasks with their state, owner and result, a page
 * or a count at a time. It
 * turns the store's changes into readable {@link Event}s (member joined, task claimed, released,
 * finished, leader changed, command sent to a member or a task, from the dashboard or
 * {@code baton command}, allocator item added or removed, assigned, ready, schedule created,
 * changed, fired or deleted) and counts them in {@link FleetMetrics}. Used by the dashboard, the
 * listing commands and the demo's timeline.
 */
final class FleetView implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECENT_EVENTS = 200;
    private static final int EVENT_ERROR_CHARS = 200;
    /** The least time given to load the namespace; a connection with a longer request timeout gives that. */
    private static final Duration MIN_LOAD_TIME = Duration.ofSeconds(30);
    /** How long the fleet waits for the members' lease times; the members are asked at once. */
    private static final Duration TTL_WAIT = Duration.ofSeconds(2);

    /** One thing that happened in the fleet, as a line for people. */
    record Event(Instant at, String kind, String text) {
        ObjectNode json() {
            return JSON.createObjectNode().put("at", at.toString()).put("kind", kind).put("text", text);
        }
    }

    private final Etcd etcd;
    private final String namespace;
    private final FleetMetrics metrics;
    private final Clock clock = Clock.systemUTC();
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final Deque<Event> recent = new ArrayDeque<>();
    private final KeyspaceCache<String> cache;
    private final FleetSchedules schedules;
    private final TaskIndex taskIndex;
    /** Completes when the listener has taken in the whole namespace once. */
    private final CompletableFuture<Void> indexed = new CompletableFuture<>();
    /** Changes of {@code <ns>alloc/} the listener has seen; the grid is built again only after one. */
    private final AtomicLong allocationChanges = new AtomicLong();
    private volatile Grid grid = new Grid(-1, null);
    private volatile boolean synced;
    private String leader;

    /** The allocator's grid as built after {@code changes} changes of the allocation. */
    private record Grid(long changes, ObjectNode json) {
    }

    private FleetView(Etcd etcd, String namespace, FleetMetrics metrics) {
        this.etcd = etcd;
        this.namespace = namespace;
        this.metrics = metrics;
        this.schedules = new FleetSchedules(etcd, namespace);
        this.taskIndex = new TaskIndex(namespace);
        // A namespace of 100,000 tasks can take longer than the cache's default to load on a busy machine.
        Duration load = etcd.requestTimeout().compareTo(MIN_LOAD_TIME) > 0 ? etcd.requestTimeout() : MIN_LOAD_TIME;
        this.cache = KeyspaceCache.builder(etcd, namespace, ValueDecoder.utf8()).startTimeout(load).start();
        // Registered once the field is set: the listener reads the cache, and a listener given to the
        // builder can be called before the constructor has assigned it.
        cache.addListener(this::onChange);
        metrics.watchLag(cache::pendingEvents);
        try {
            indexed.get(load.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cache.close();
            throw new IllegalStateException("interrupted while indexing the tasks of " + namespace, e);
        } catch (ExecutionException | TimeoutException e) {
            cache.close();
            throw new IllegalStateException("the tasks of " + namespace + " were not indexed within " + load, e);
        }
    }

    /**
     * Mirrors {@code namespace} (ending in {@code /}) on {@code etcd}; returns once loaded, within
     * 30 seconds or the connection's request timeout, whichever is longer.
     */
    static FleetView start(Etcd etcd, String namespace, FleetMetrics metrics) {
        return new FleetView(etcd, namespace, metrics);
    }

    void addListener(Consumer<Event> listener) {
        listeners.add(listener);
    }

    synchronized List<Event> recentEvents() {
        return List.copyOf(recent);
    }

    /** The store revision the view reflects. */
    long revision() {
        return cache.revision();
    }

    private void onChange(CacheEvent<String> event) {
        taskIndex.apply(event);
        if (event.kind() == CacheEvent.Kind.RESYNCED) {
            synced = true;
            updateLeader();
            indexed.complete(null);
            return;
        }
        String key = event.key().substring(namespace.length());
        if (key.startsWith("alloc/")) {
            allocationChanges.incrementAndGet();
        }
        if (!synced) {
            // Loading: the index has what it needs, and no event is told of what was already there.
            return;
        }
        boolean added = event.kind() == CacheEvent.Kind.ADDED;
        boolean removed = event.kind() == CacheEvent.Kind.REMOVED;
        String[] parts = key.split("/");
        if (key.startsWith("leader/")) {
            updateLeader();
        } else if (parts.length == 2 && parts[0].equals("members")) {
            if (added) {
                emit("member", "member " + parts[1] + " joined");
            } else if (removed) {
                emit("member", "member " + parts[1] + " left");
            }
        } else if (parts.length == 3 && parts[0].equals("tasks")) {
            onTaskChange(parts[1], parts[2], event, added, removed);
        } else if (parts[0].equals("alloc")) {
            onAllocationChange(parts, event, added, removed);
        } else if (parts.length == 3 && parts[0].equals("schedules")) {
            schedules.changed();
            onScheduleChange(parts[1], parts[2], added, removed);
        } else if (parts.length == 4 && parts[0].equals("commands") && added) {
            JsonNode command = parse(event.newValue());
            String name = command.path("command").asText("?") + (command.has("task") ? " " + command.get("task").asText() : "");
            emit("command", name + " sent to " + (parts[1].equals("members") ? "member " : "task ") + parts[2]);
        }
    }

    private void onTaskChange(String task, String record, CacheEvent<String> event, boolean added, boolean removed) {
        switch (record) {
            case "spec" -> {
                if (added) {
                    emit("submitted", "task " + task + " submitted");
                }
            }
            case "owner" -> {
                if (added) {
                    count(metrics::claimed);
                    emit("claimed", "task " + task + " claimed by " + event.newValue());
                } else if (removed && cache.get(namespace + "tasks/" + task + "/done").isEmpty()
                        && cache.get(namespace + "tasks/" + task + "/spec").isPresent()) {
                    count(metrics::released);
                    emit("released", "task " + task + " released by " + event.oldValue());
                }
            }
            case "state" -> TaskPages.decode(event.newValue()).filter(s -> s.status().name().equals("FAULT"))
                    .filter(s -> event.oldValue() == null || TaskPages.decode(event.oldValue())
                            .map(old -> old.attempts() != s.attempts()).orElse(true))
                    .ifPresent(s -> emit("fault", "task " + task + " failed a run (attempt " + s.attempts() + "): "
                            + firstLine(s.lastError().orElse(""))));
            case "done" -> {
                if (added) {
                    String status = TaskPages.statusOf(event.newValue()).map(TaskStatus::wireName).orElse("done");
                    count("completed".equals(status) ? metrics::completed : metrics::failed);
                    emit("done", "task " + task + " " + status);
                }
            }
            default -> {
            }
        }
    }

    /** Items added and removed, assignments made and dropped, and assignees turning ready or not. */
    private void onAllocationChange(String[] parts, CacheEvent<String> event, boolean added, boolean removed) {
        if (parts.length == 3 && parts[1].equals("items")) {
            if (added) {
                emit("item", "item " + parts[2] + " added (" + parse(event.newValue()).path("replicas").asInt() + " replicas)");
            } else if (removed) {
                emit("item", "item " + parts[2] + " removed");
            }
        } else if (parts.length == 4 && parts[1].equals("assign")) {
            String item = "item " + parts[2];
            if (added) {
                emit("assigned", item + " assigned to " + parts[3]);
            } else if (removed) {
                emit("assigned", item + " unassigned from " + parts[3]);
            } else if (event.oldValue() != null && event.oldValue().isEmpty() != event.newValue().isEmpty()) {
                emit("ready", item + (event.newValue().isEmpty() ? " not ready on " : " ready on ") + parts[3]);
            }
        }
    }

    private void onScheduleChange(String kind, String name, boolean added, boolean removed) {
        if (kind.equals("defs")) {
            emit("schedule", "schedule " + name + (added ? " created" : removed ? " deleted" : " changed"));
        } else if (kind.equals("fired") && !removed) {
            emit("schedule", "schedule " + name + " fired");
        }
    }

    private void count(Runnable counter) {
        if (synced) {
            counter.run();
        }
    }

    private synchronized void updateLeader() {
        String now = leader().map(l -> l.get("name").asText()).orElse(null);
        if (synced && now != null && !now.equals(leader)) {
            metrics.leaderChanged();
            emit("leader", "leader is now " + now + (leader == null ? "" : ", after " + leader));
        }
        leader = now;
    }

    private void emit(String kind, String text) {
        if (!synced) {
            return;
        }
        Event event = new Event(clock.instant(), kind, text);
        synchronized (this) {
            recent.addLast(event);
            if (recent.size() > RECENT_EVENTS) {
                recent.removeFirst();
            }
        }
        listeners.forEach(listener -> listener.accept(event));
    }

    /** The leader: the oldest candidate of the fleet's election, as etcd's election recipe defines it. */
    Optional<ObjectNode> leader() {
        String prefix = FleetKeys.election(namespace) + "/";
        return cache.snapshot().stream(prefix)
                .min(Comparator.comparingLong(CacheEntry::createRevision))
                .map(e -> JSON.createObjectNode().put("name", e.value()).put("key", e.key())
                        .put("lease", Long.toHexString(e.lease())).put("since", e.createRevision()));
    }

    /**
     * Members (with the number of claims each holds), the leader, task counts by state, the
     * allocator's grid ({@link AllocationGrid}) and the schedules ({@link FleetSchedules}) as one JSON
     * document, the keyspace read at one revision; the task counts and claims held are the
     * {@link TaskIndex}'s, and the grid is the one last built if the allocation has not changed since.
     * Tasks themselves are listed by {@link #tasks}.
     */
    ObjectNode snapshot() {
        long allocationSeen = allocationChanges.get();
        CacheSnapshot<String> snap = cache.snapshot();
        ObjectNode counts = taskIndex.counts();
        ObjectNode root = JSON.createObjectNode().put("namespace", namespace).put("revision", snap.revision())
                .put("time", clock.instant().toString());
        Optional<ObjectNode> leaderNode = leader();
        leaderNode.ifPresentOrElse(l -> root.set("leader", l), () -> root.putNull("leader"));
        Map<String, ObjectNode> members = new TreeMap<>();
        Map<String, CompletableFuture<Long>> ttls = new TreeMap<>();
        snap.stream(namespace + "members/").forEach(entry -> {
            String name = entry.key().substring((namespace + "members/").length());
            if (name.contains("/")) {
                return;
            }
            members.put(name, JSON.createObjectNode().put("name", name).put("zone", "")
                    .put("held", counts.path("held").path(name).asInt())
                    .put("lease", Long.toHexString(entry.lease()))
                    .put("frozen", parse(entry.value()).path("frozen").asBoolean()));
            ttls.put(name, etcd.leaseTimeToLive(entry.lease()));
        });
        long ttlDeadline = System.nanoTime() + TTL_WAIT.toNanos();
        ttls.forEach((name, ttl) -> members.get(name).put("ttlLeft", ttlLeft(ttl, ttlDeadline)));
        for (CacheEntry<String> entry : (Iterable<CacheEntry<String>>) snap.stream(FleetKeys.workers(namespace))::iterator) {
            String name = entry.key().substring(FleetKeys.workers(namespace).length());
            ObjectNode m = members.get(name);
            if (m != null) {
                JsonNode worker = parse(entry.value());
                m.put("zone", worker.path("zone").asText(""));
                if (worker.has("http")) {
                    m.put("http", worker.get("http").asText());
                }
            }
        }
        String leaderName = leaderNode.map(l -> l.get("name").asText()).orElse(null);
        members.forEach((name, m) -> m.put("leader", name.equals(leaderName)));
        root.putArray("members").addAll(new ArrayList<>(members.values()));
        root.set("taskCounts", counts);
        root.set("allocation", grid(allocationSeen, snap));
        root.set("schedules", schedules.json(clock.instant()));
        return root;
    }

    /** The allocator's grid, built again only when the allocation changed since it was last built. */
    private ObjectNode grid(long allocationSeen, CacheSnapshot<String> snap) {
        Grid known = grid;
        if (known.changes() != allocationSeen) {
            known = new Grid(allocationSeen, AllocationGrid.of(snap, namespace));
            grid = known;
        }
        return known.json();
    }

    /** One page of tasks, read at one revision (see {@link TaskPages#page}), at most {@link TaskPages#MAX_PAGE_BYTES}. */
    ObjectNode tasks(TaskQuery query) {
        return tasks(query, TaskPages.MAX_PAGE_BYTES);
    }

    /** One page of tasks whose rows take at most {@code maxBytes} (the first row always fits). */
    ObjectNode tasks(TaskQuery query, int maxBytes) {
        return pages().page(query, maxBytes);
    }

    /** Every task, read at one revision: for the command line, whose namespaces are small enough to print. */
    List<ObjectNode> allTasks() {
        return pages().rows(TaskQuery.all()).toList();
    }

    private TaskPages pages() {
        return new TaskPages(taskIndex, cache.snapshot(), namespace, clock.instant());
    }

    /** Task counts by state and by owner (see {@link TaskIndex#counts}), as of the last change taken in. */
    ObjectNode counts() {
        return taskIndex.counts();
    }

    /** Tasks by state, every state included (see {@link TaskIndex#counts}). */
    Map<String, Integer> tasksByState() {
        return intFields(counts().get("states"));
    }

    /**
     * Claims held by each member: every member of the fleet (0 when it holds
     * none) and every owner that is not, or no longer, a member.
     */
    Map<String, Integer> heldByMember() {
        CacheSnapshot<String> snap = cache.snapshot();
        String members = namespace + "members/";
        Map<String, Integer> held = new TreeMap<>();
        snap.stream(members).map(entry -> entry.key().substring(members.length()))
                .filter(name -> !name.contains("/")).forEach(name -> held.put(name, 0));
        held.putAll(intFields(counts().get("held")));
        return held;
    }

    private static Map<String, Integer> intFields(JsonNode object) {
        Map<String, Integer> values = new TreeMap<>();
        object.fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue().asInt()));
        return values;
    }

    /** The seconds {@code ttl} gives, or -1 when it failed or did not answer by {@code deadline} ({@link System#nanoTime()}). */
    private static long ttlLeft(CompletableFuture<Long> ttl, long deadline) {
        try {
            return ttl.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            return -1;
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** The first line of {@code text}, cut at {@value #EVENT_ERROR_CHARS} characters so that events stay small. */
    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return TaskPages.head(newline < 0 ? text : text.substring(0, newline), EVENT_ERROR_CHARS);
    }

    @Override
    public void close() {
        cache.close();
    }
}
