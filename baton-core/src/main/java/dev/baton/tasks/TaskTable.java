package dev.baton.tasks;

import dev.baton.etcd.KeyValue;
import dev.baton.etcd.WatchEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The decoded picture of one task namespace: every task with its spec, owner,
 * state and done records, the live members and the pending commands. Keys that do not fit the
 * layout are ignored. Each value is decoded once, when it arrives; a value that does not decode is kept
 * with its problem, so it shows in listings and is left alone by members, while every other key
 * stays served. Built from a range read ({@link #reset}) or from changes alone ({@link #apply},
 * starting empty). Changes of one key must come in revision order; changes of different keys may
 * come in any order, and nothing here relies on more. Not thread-safe: a member touches it from its
 * control thread only.
 */
final class TaskTable {

    /** The decoded records of a task, kept for listings. */
    static final class Bodies {
        TaskSpec spec;
        TaskState state;
        TaskState finalState;
        /** The spec a done record keeps, once the spec record is gone. */
        TaskSpec finalSpec;
        /** The result a done record keeps. */
        TaskResult result;
    }

    /**
     * The records of one task id, as revisions, sizes and what decides claims; the decoded
     * spec and states (properties, checkpoints) only in a table that keeps bodies.
     */
    static final class Entry implements TaskPlanner.PlannedTask {
        final TaskId id;
        boolean hasSpec;
        boolean hasState;
        boolean hasDone;
        int specBytes;
        int stateBytes;
        /** The not-before instant in epoch milliseconds rounded up, {@link Long#MIN_VALUE} without one. */
        long notBeforeMillis = Long.MIN_VALUE;
        int priority = TaskOptions.DEFAULT_PRIORITY;
        String specProblem;
        long ownerRevision;
        long ownerLease;
        /** The owner key's member id, decoded once; {@code "?"} for an empty value, which no member writes. */
        String ownerName;
        TaskStatus status;
        String stateProblem;
        String doneProblem;
        /** The decoded records, in a table that keeps bodies; null otherwise. */
        Bodies bodies;

        Entry(TaskId id) {
            this.id = id;
        }

        /** True while the task is submitted and not retired. */
        boolean live() {
            return hasSpec && !hasDone;
        }

        /** True when every present record decodes. */
        boolean valid() {
            return specProblem == null && stateProblem == null && doneProblem == null;
        }

        /**
         * True when a member may claim the task (ignoring owner and not-before): live, valid and
         * not in a terminal state.
         */
        boolean runnable() {
            return live() && valid() && (status == null || !status.terminal());
        }

        boolean hasOwner() {
            return ownerRevision != 0;
        }

        boolean empty() {
            return !hasSpec && ownerRevision == 0 && !hasState && !hasDone;
        }

        @Override
        public TaskId id() {
            return id;
        }

        @Override
        public String ownerName() {
            return ownerName;
        }

        @Override
        public long ownerRevision() {
            return ownerRevision;
        }

        @Override
        public long ownerLease() {
            return ownerLease;
        }

        @Override
        public boolean claimable() {
            return runnable();
        }

        @Override
        public Instant notBefore() {
            return notBeforeMillis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(notBeforeMillis);
        }

        @Override
        public int priority() {
            return priority;
        }

        /** What the task's spec and state weigh, as a claim reads them back. */
        int recordBytes() {
            return specBytes + stateBytes;
        }
    }

    /** A live member's registration. */
    record Member(String id, KeyValue kv, MemberRecord record, String problem) {
        boolean frozen() {
            return record != null && record.frozen();
        }
    }

    /**
     * What the events applied since the last {@link #takeChanges()} touched.
     *
     * @param tasks          the tasks with a changed record
     * @param ownerEvents    for each task whose owner key was written or deleted, the revision of
     *                       the latest such change
     * @param members        whether a member joined, left or changed its record
     * @param memberCommands whether a member command was added
     * @param commandedTasks the tasks a command was added for
     */
    record Changes(Set<TaskId> tasks, Map<TaskId, Long> ownerEvents, boolean members, boolean memberCommands,
                   Set<TaskId> commandedTasks) {
        boolean any() {
            return !tasks.isEmpty() || members || memberCommands || !commandedTasks.isEmpty();
        }
    }

    private final Keyspace keyspace;
    private final boolean keepBodies;
    /** Every task with a record other than its done record: what a balancing pass goes through. */
    private final Map<TaskId, Entry> tasks = new HashMap<>();
    /**
     * The tasks that are a done record alone, kept apart so that a pass's cost follows the live
     * tasks, not the done records retention keeps.
     */
    private final Map<TaskId, Entry> retired = new HashMap<>();
    private final Map<String, String> memberNames = new HashMap<>();
    private final Map<String, Member> members = new HashMap<>();
    private final Map<String, KeyValue> memberCommands = new HashMap<>();
    private final Map<String, KeyValue> taskCommands = new HashMap<>();
    private long revision;
    private Set<TaskId> touched = new HashSet<>();
    private Map<TaskId, Long> ownerEvents = new HashMap<>();
    private Set<TaskId> commanded = new HashSet<>();
    private boolean membersChanged;
    private boolean memberCommandAdded;

    /** A table that keeps every decoded record, for listings. */
    TaskTable(Keyspace keyspace) {
        this(keyspace, true);
    }

    /**
     * A table that keeps decoded records ({@code keepBodies}, for listings) or only what a member
     * decides by: revisions, sizes, owner, status and not-before, a couple of hundred bytes a task.
     */
    TaskTable(Keyspace keyspace, boolean keepBodies) {
        this.keyspace = keyspace;
        this.keepBodies = keepBodies;
    }

    /** Replaces the whole picture with the keys of a range read at {@code revision}. */
    void reset(long revision, Collection<KeyValue> all) {
        tasks.clear();
        retired.clear();
        members.clear();
        memberCommands.clear();
        taskCommands.clear();
        for (KeyValue kv : all) {
            put(kv);
        }
        this.revision = revision;
    }

    /**
     * Replaces the picture with the namespace's whole contents at {@code revision}, as changes: a
     * key that is gone counts as deleted at {@code revision}, every key present as written, so
     * {@link #takeChanges()} reports everything that may differ.
     */
    void resync(long revision, Collection<KeyValue> contents) {
        Set<String> present = new HashSet<>(contents.size() * 2);
        for (KeyValue kv : contents) {
            present.add(kv.key());
        }
        List<WatchEvent> events = new ArrayList<>(contents.size());
        for (String key : knownKeys()) {
            if (!present.contains(key)) {
                events.add(new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, new byte[0], 0, revision, 0, 0)));
            }
        }
        for (KeyValue kv : contents) {
            events.add(new WatchEvent(WatchEvent.Type.PUT, kv));
        }
        apply(events);
        advanceTo(revision);
    }

    private List<String> knownKeys() {
        List<String> keys = new ArrayList<>();
        for (Entry entry : allEntries()) {
            if (entry.hasSpec) {
                keys.add(keyspace.spec(entry.id));
            }
            if (entry.ownerRevision != 0) {
                keys.add(keyspace.owner(entry.id));
            }
            if (entry.hasState) {
                keys.add(keyspace.state(entry.id));
            }
            if (entry.hasDone) {
                keys.add(keyspace.done(entry.id));
            }
        }
        for (String member : members.keySet()) {
            keys.add(keyspace.member(member));
        }
        keys.addAll(memberCommands.keySet());
        keys.addAll(taskCommands.keySet());
        return keys;
    }

    /** Applies changes in revision order; what they touched accumulates until {@link #takeChanges()}. */
    void apply(List<WatchEvent> events) {
        for (WatchEvent event : events) {
            boolean added = event.type() == WatchEvent.Type.PUT;
            Keyspace.Parsed parsed = added ? put(event.kv()) : remove(event.key());
            if (parsed instanceof Keyspace.TaskKey key) {
                touched.add(key.task());
                if (key.part() == Keyspace.Part.OWNER) {
                    ownerEvents.merge(key.task(), event.modRevision(), Math::max);
                }
            } else if (parsed instanceof Keyspace.MemberKey) {
                membersChanged = true;
            } else if (parsed instanceof Keyspace.MemberCommandKey) {
                memberCommandAdded |= added;
            } else if (parsed instanceof Keyspace.TaskCommandKey key && added) {
                commanded.add(key.task());
            }
            revision = Math.max(revision, event.modRevision());
        }
    }

    /** What the changes applied since the last call touched; starts a new accumulation. */
    Changes takeChanges() {
        Changes changes = new Changes(touched, ownerEvents, membersChanged, memberCommandAdded, commanded);
        touched = new HashSet<>();
        ownerEvents = new HashMap<>();
        commanded = new HashSet<>();
        membersChanged = false;
        memberCommandAdded = false;
        return changes;
    }

    /** Records that every change up to {@code revision} has been applied. */
    void advanceTo(long revision) {
        this.revision = Math.max(this.revision, revision);
    }

    long revision() {
        return revision;
    }

    /** Every task with a record other than its done record (a done record alone bars claims, nothing more). */
    Collection<Entry> entries() {
        return tasks.values();
    }

    /** The number of task ids with a record, done records included. */
    int size() {
        return tasks.size() + retired.size();
    }

    Entry entry(TaskId task) {
        Entry entry = tasks.get(task);
        return entry != null ? entry : retired.get(task);
    }

    private List<Entry> allEntries() {
        List<Entry> all = new ArrayList<>(size());
        all.addAll(tasks.values());
        all.addAll(retired.values());
        return all;
    }

    Collection<Member> members() {
        return members.values();
    }

    /** The pending commands to {@code member}, oldest first (by create revision). */
    List<KeyValue> memberCommands(String member) {
        String prefix = keyspace.memberCommandPrefix(member);
        return oldestFirst(memberCommands.values().stream().filter(kv -> kv.key().startsWith(prefix)).toList());
    }

    /** The pending commands to {@code task}, oldest first (by create revision). */
    List<KeyValue> taskCommands(TaskId task) {
        String prefix = keyspace.taskCommandPrefix(task);
        return oldestFirst(taskCommands.values().stream().filter(kv -> kv.key().startsWith(prefix)).toList());
    }

    /** True while the command key is present. */
    boolean hasCommand(String key) {
        return memberCommands.containsKey(key) || taskCommands.containsKey(key);
    }

    /** Every task, in id order, as a listing shows it. */
    List<TaskInfo> taskInfos() {
        List<TaskInfo> infos = new ArrayList<>(size());
        for (Entry entry : allEntries()) {
            infos.add(info(entry));
        }
        infos.sort(Comparator.comparing(TaskInfo::id));
        return infos;
    }

    /** Every live member, in id order, with the claims that name it. */
    List<MemberInfo> memberInfos() {
        Map<String, List<MemberInfo.Claim>> claims = new HashMap<>();
        for (Entry entry : tasks.values()) {
            if (entry.hasOwner()) {
                claims.computeIfAbsent(entry.ownerName, m -> new ArrayList<>())
                        .add(new MemberInfo.Claim(entry.id, entry.ownerRevision));
            }
        }
        List<MemberInfo> infos = new ArrayList<>();
        for (Member member : members.values()) {
            List<MemberInfo.Claim> held = new ArrayList<>(claims.getOrDefault(member.id(), List.of()));
            held.sort(Comparator.comparing(MemberInfo.Claim::task));
            infos.add(new MemberInfo(member.id(), member.frozen(), member.kv().lease(), held,
                    member.problem() == null ? List.of() : List.of(member.problem())));
        }
        infos.sort(Comparator.comparing(MemberInfo::id));
        return infos;
    }

    /** The info of {@code task} from its records as read at {@code revision}. */
    static TaskInfo info(Keyspace keyspace, TaskId task, long revision, Collection<KeyValue> records) {
        TaskTable table = new TaskTable(keyspace);
        table.reset(revision, records);
        return info(table.entry(task));
    }

    static TaskInfo info(Entry entry) {
        List<String> problems = new ArrayList<>(3);
        addIfPresent(problems, entry.specProblem);
        addIfPresent(problems, entry.stateProblem);
        addIfPresent(problems, entry.doneProblem);
        if (!entry.hasSpec && !entry.hasDone) {
            problems.add("task " + Excerpt.of(entry.id.value()) + " has no spec record");
        }
        Bodies bodies = entry.bodies == null ? new Bodies() : entry.bodies;
        Optional<TaskSpec> spec = Optional.ofNullable(bodies.spec != null ? bodies.spec : bodies.finalSpec);
        Optional<TaskOwner> owner = entry.hasOwner()
                ? Optional.of(new TaskOwner(entry.ownerName, entry.ownerRevision)) : Optional.empty();
        Optional<TaskState> state = Optional.ofNullable(entry.hasDone ? bodies.finalState : liveState(entry, bodies));
        return new TaskInfo(entry.id, spec.map(TaskSpec::properties), spec.map(TaskSpec::submitted),
                spec.flatMap(TaskSpec::notBefore), spec.map(TaskSpec::options), owner, state, entry.hasDone,
                Optional.ofNullable(entry.hasDone ? bodies.result : null), problems);
    }

    /**
     * A live task's state: the stored one, or, before its holder first stores one, the initial
     * state as of its submit ({@code docs/keyspace.md}). Null when neither is known.
     */
    private static TaskState liveState(Entry entry, Bodies bodies) {
        if (bodies.state != null || entry.hasState || bodies.spec == null) {
            return bodies.state;
        }
        return TaskState.initial(bodies.spec.submitted());
    }

    private static void addIfPresent(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    private static List<KeyValue> oldestFirst(List<KeyValue> commands) {
        List<KeyValue> sorted = new ArrayList<>(commands);
        sorted.sort(Comparator.comparingLong(KeyValue::createRevision).thenComparing(KeyValue::key));
        return sorted;
    }

    private Keyspace.Parsed put(KeyValue kv) {
        Keyspace.Parsed parsed = keyspace.parse(kv.key());
        if (parsed instanceof Keyspace.TaskKey key) {
            Entry entry = entry(key.task());
            putTaskRecord(entry != null ? entry : new Entry(key.task()), key.part(), kv);
        } else if (parsed instanceof Keyspace.MemberKey key) {
            members.put(key.member(), decodeMember(key.member(), kv));
        } else if (parsed instanceof Keyspace.MemberCommandKey) {
            memberCommands.put(kv.key(), kv);
        } else if (parsed instanceof Keyspace.TaskCommandKey) {
            taskCommands.put(kv.key(), kv);
        }
        return parsed;
    }

    private Keyspace.Parsed remove(String key) {
        Keyspace.Parsed parsed = keyspace.parse(key);
        if (parsed instanceof Keyspace.TaskKey taskKey) {
            Entry entry = entry(taskKey.task());
            if (entry != null) {
                putTaskRecord(entry, taskKey.part(), null);
            }
        } else if (parsed instanceof Keyspace.MemberKey memberKey) {
            members.remove(memberKey.member());
        } else if (parsed instanceof Keyspace.MemberCommandKey) {
            memberCommands.remove(key);
        } else if (parsed instanceof Keyspace.TaskCommandKey) {
            taskCommands.remove(key);
        }
        return parsed;
    }

    /**
     * Sets one record of a task ({@code kv} null: removed), decoding it once and keeping what the
     * table keeps, and files the task by what records it has left.
     */
    private void putTaskRecord(Entry entry, Keyspace.Part part, KeyValue kv) {
        Map<TaskId, Entry> before = home(entry);
        setRecord(entry, part, kv);
        Map<TaskId, Entry> after = home(entry);
        if (after != before) {
            if (before != null) {
                before.remove(entry.id);
            }
            if (after != null) {
                after.put(entry.id, entry);
            }
        }
    }

    /**
     * The map that holds {@code entry} by the records it has: none while it has none (a new entry,
     * or one whose last record went), {@link #retired} for a done record alone, else {@link #tasks}.
     */
    private Map<TaskId, Entry> home(Entry entry) {
        if (entry.empty()) {
            return null;
        }
        return entry.hasDone && !entry.hasSpec && !entry.hasOwner() && !entry.hasState ? retired : tasks;
    }

    private void setRecord(Entry entry, Keyspace.Part part, KeyValue kv) {
        switch (part) {
            case SPEC -> {
                entry.hasSpec = kv != null;
                entry.specBytes = kv == null ? 0 : kv.value().length;
                entry.notBeforeMillis = Long.MIN_VALUE;
                entry.priority = TaskOptions.DEFAULT_PRIORITY;
                entry.specProblem = null;
                TaskSpec spec = null;
                if (kv != null) {
                    try {
                        spec = TaskSpec.decode(kv.valueUtf8());
                        entry.notBeforeMillis = spec.notBefore().map(TaskTable::millisUp).orElse(Long.MIN_VALUE);
                        entry.priority = spec.options().priority();
                    } catch (TaskFormatException e) {
                        entry.specProblem = e.getMessage();
                    }
                }
                if (keepBodies) {
                    bodies(entry).spec = spec;
                }
            }
            case OWNER -> {
                entry.ownerRevision = kv == null ? 0 : kv.createRevision();
                entry.ownerLease = kv == null ? 0 : kv.lease();
                entry.ownerName = kv == null ? null : memberName(kv);
            }
            case STATE -> {
                entry.hasState = kv != null;
                entry.stateBytes = kv == null ? 0 : kv.value().length;
                entry.status = null;
                entry.stateProblem = null;
                TaskState state = null;
                if (kv != null) {
                    try {
                        state = TaskState.decode(kv.valueUtf8());
                        entry.status = state.status();
                    } catch (TaskFormatException e) {
                        entry.stateProblem = e.getMessage();
                    }
                }
                if (keepBodies) {
                    bodies(entry).state = state;
                }
            }
            case DONE -> {
                // A done record only bars claims, whatever it holds: a member's table never decodes it.
                entry.hasDone = kv != null;
                entry.doneProblem = null;
                if (keepBodies) {
                    DoneTask done = null;
                    if (kv != null) {
                        try {
                            done = DoneTask.decode(kv.valueUtf8());
                        } catch (TaskFormatException e) {
                            entry.doneProblem = e.getMessage();
                        }
                    }
                    bodies(entry).finalState = done == null ? null : done.state();
                    bodies(entry).finalSpec = done == null ? null : done.spec().orElse(null);
                    bodies(entry).result = done == null ? null : done.result().orElse(null);
                }
            }
        }
    }

    private static Bodies bodies(Entry entry) {
        if (entry.bodies == null) {
            entry.bodies = new Bodies();
        }
        return entry.bodies;
    }

    /** An instant as epoch milliseconds, rounded up so a task is never taken for due early. */
    private static long millisUp(Instant instant) {
        long millis = instant.toEpochMilli();
        return instant.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }

    /** The member id an owner key names, one String per member however many keys name it. */
    private String memberName(KeyValue owner) {
        String name = owner.valueUtf8();
        return memberNames.computeIfAbsent(name.isEmpty() ? "?" : name, key -> key);
    }

    private static Member decodeMember(String id, KeyValue kv) {
        try {
            return new Member(id, kv, MemberRecord.decode(kv.valueUtf8()), null);
        } catch (TaskFormatException e) {
            return new Member(id, kv, null, e.getMessage());
        }
    }
}
