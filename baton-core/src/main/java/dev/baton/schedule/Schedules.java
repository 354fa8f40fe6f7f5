package dev.baton.schedule;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.StoreTimeoutException;
import dev.baton.etcd.TxnResult;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.WithdrawOperations;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Creates, updates, pauses, resumes, deletes and lists the schedules of one namespace. A
 * {@link Scheduler} on the elected leader fires them. Each call is one or a few requests and
 * blocks for at most the connection's request timeout per request; thread-safe.
 *
 * <p>Changes are guarded transactions: a create only when the name is free; an update, pause or
 * resume only on the definition it read (a concurrent change makes it read again, up to
 * {@value #ATTEMPTS} times). A write whose outcome is unknown is resolved by reading back (rule 4
 * of {@code docs/architecture.md}). Deleting a schedule removes its last fire time with it, so a
 * schedule created again under the same name starts afresh; tasks it already created stay.
 *
 * <p>A {@link Scheduler} creates a timed schedule's tasks up to its lead before their fire times
 * (claimable only from the members' claim window before them). A pause, an update or a delete
 * withdraws, in its own transaction, those whose fire time is still ahead by this client's clock
 * and that no member has claimed, and moves the last fire time back before them: they never run
 * on the old definition, and fire again when the schedule runs (as on-time or missed fire times).
 * One a member has claimed (at most its claim window before the fire time) stays.
 */
public final class Schedules {

    private static final int ATTEMPTS = 5;
    /** The most a {@link Scheduler} creates tasks ahead of their fire times, in seconds. */
    static final int MAX_LEAD_SECONDS = 10;
    /** The most tasks created ahead that one change withdraws: one a second over the longest lead. */
    private static final int MAX_WITHDRAWN = MAX_LEAD_SECONDS + 1;

    private final Etcd etcd;
    private final ScheduleKeys keys;
    private final Clock clock;
    private final TaskClient tasks;

    private Schedules(Etcd etcd, String namespace, Clock clock) {
        this.etcd = Objects.requireNonNull(etcd, "etcd");
        this.keys = new ScheduleKeys(namespace);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tasks = TaskClient.create(etcd, keys.namespace(), clock);
    }

    /** The schedules of {@code namespace} (ending in {@code /}, as the tasks' namespace). */
    public static Schedules create(Etcd etcd, String namespace) {
        return new Schedules(etcd, namespace, Clock.systemUTC());
    }

    /** The schedules of {@code namespace}; anchors come from {@code clock}. */
    public static Schedules create(Etcd etcd, String namespace, Clock clock) {
        return new Schedules(etcd, namespace, clock);
    }

    /**
     * Creates a running schedule anchored now, whose tasks have the default options.
     *
     * @throws IllegalStateException when a schedule of that name exists
     */
    public Schedule create(String name, Trigger trigger, MisfirePolicy misfire, TaskProperties properties) {
        return create(name, trigger, misfire, properties, TaskOptions.defaults());
    }

    /**
     * Creates a running schedule anchored now, whose tasks have {@code options}.
     *
     * @throws IllegalStateException when a schedule of that name exists
     */
    public Schedule create(String name, Trigger trigger, MisfirePolicy misfire, TaskProperties properties,
                           TaskOptions options) {
        Schedule schedule = new Schedule(name, trigger, misfire, properties, options, false,
                Schedule.anchorAt(clock.instant()));
        String encoded = ScheduleCodec.encode(schedule);
        try {
            TxnResult result = Etcd.join(etcd.txn(List.of(Compares.absent(keys.def(name))),
                    List.of(Operations.put(keys.def(name), encoded, 0),
                            Operations.delete(KeyRange.key(keys.fired(name)))),
                    List.of()));
            if (!result.succeeded()) {
                throw new IllegalStateException("a schedule named \"" + name + "\" exists");
            }
        } catch (StoreTimeoutException e) {
            Optional<KeyValue> current = Etcd.join(etcd.get(keys.def(name)));
            if (current.isEmpty() || !current.get().valueUtf8().equals(encoded)) {
                throw e;
            }
        }
        return schedule;
    }

    /**
     * Replaces a schedule's trigger, misfire policy, task properties and options, keeping whether it is
     * paused. A new trigger anchors the schedule now (fire times of the old trigger that were
     * not fired are dropped); the same trigger keeps its anchor.
     *
     * @throws NoSuchScheduleException when there is no such schedule
     */
    public Schedule update(String name, Trigger trigger, MisfirePolicy misfire, TaskProperties properties,
                           TaskOptions options) {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(misfire, "misfire");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(options, "options");
        return change(name, true, current -> new Schedule(name, trigger, misfire, properties, options, current.paused(),
                current.trigger().equals(trigger) ? current.anchor() : Schedule.anchorAt(clock.instant())));
    }

    /**
     * Pauses a schedule: it creates no task until resumed, and the tasks it created ahead that no
     * member has claimed are withdrawn (see the class comment). On resume, the fire times missed
     * meanwhile are handled by its misfire policy.
     *
     * @throws NoSuchScheduleException when there is no such schedule
     */
    public Schedule pause(String name) {
        return change(name, true, current -> current.withPaused(true));
    }

    /**
     * Resumes a paused schedule (a running one is left as it is).
     *
     * @throws NoSuchScheduleException when there is no such schedule
     */
    public Schedule resume(String name) {
        return change(name, false, current -> current.withPaused(false));
    }

    /**
     * Deletes a schedule and its last fire time; false when there was none. Its tasks stay, but
     * for those created ahead that no member has claimed, which are withdrawn.
     */
    public boolean delete(String name) {
        Schedule.checkName(name);
        List<Operation> deletes = List.of(Operations.delete(KeyRange.key(keys.def(name))),
                Operations.delete(KeyRange.key(keys.fired(name))));
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Read read = read(name);
            Withdrawal withdrawal = read.def().flatMap(def -> decodable(name, def))
                    .map(schedule -> withdrawal(schedule, read.fired())).orElse(Withdrawal.NONE);
            if (withdrawal.isEmpty()) {
                List<Operation> readAndDelete = new ArrayList<>(List.of(Operations.get(keys.def(name))));
                readAndDelete.addAll(deletes);
                return !Etcd.join(etcd.txn(List.of(), readAndDelete, List.of())).gets().get(0).isEmpty();
            }
            List<Guard> guards = new ArrayList<>(withdrawal.guards());
            guards.add(Compares.modRevisionIs(keys.def(name), read.def().get().modRevision()));
            guards.add(Compares.modRevisionIs(keys.fired(name), read.fired().get().modRevision()));
            List<Operation> writes = new ArrayList<>(deletes);
            writes.addAll(withdrawal.taskWrites());
            if (Etcd.join(etcd.txn(guards, writes, List.of())).succeeded()) {
                return true;
            }
        }
        throw new IllegalStateException("schedule \"" + name + "\" kept changing; gave up after " + ATTEMPTS + " attempts");
    }

    /** A schedule's definition and last fire time, read at one revision. */
    private record Read(Optional<KeyValue> def, Optional<KeyValue> fired) {
    }

    private Read read(String name) {
        TxnResult read = Etcd.join(etcd.txn(List.of(),
                List.of(Operations.get(keys.def(name)), Operations.get(keys.fired(name))), List.of()));
        return new Read(read.gets().get(0).stream().findFirst(), read.gets().get(1).stream().findFirst());
    }

    private static Optional<Schedule> decodable(String name, KeyValue def) {
        try {
            return Optional.of(ScheduleCodec.decode(name, def.valueUtf8()));
        } catch (InvalidScheduleException e) {
            return Optional.empty();
        }
    }

    /**
     * What a change sends to withdraw the tasks created ahead: the guards that they are still
     * unclaimed, their deletes, and the last fire time moved back before them.
     */
    private record Withdrawal(List<Guard> guards, List<Operation> taskWrites, Optional<Operation> firedWrite) {
        static final Withdrawal NONE = new Withdrawal(List.of(), List.of(), Optional.empty());

        boolean isEmpty() {
            return taskWrites.isEmpty();
        }
    }

    /**
     * The withdrawal of the tasks {@code schedule} created for fire times after now: the latest
     * fire times back from the last one, as long as they are ahead and their tasks unclaimed and
     * not done. A task that was claimed or ran stays, and so does every fire time before it.
     */
    private Withdrawal withdrawal(Schedule schedule, Optional<KeyValue> fired) {
        if (fired.isEmpty() || !(schedule.trigger() instanceof Trigger.Timed trigger)) {
            return Withdrawal.NONE;
        }
        Optional<Instant> time;
        try {
            time = Optional.of(ScheduleCodec.decodeFire(schedule.name(), fired.get().valueUtf8()));
        } catch (InvalidScheduleException e) {
            return Withdrawal.NONE;
        }
        Instant now = clock.instant();
        List<Instant> ahead = new ArrayList<>();
        while (time.isPresent() && time.get().isAfter(now) && ahead.size() < MAX_WITHDRAWN) {
            ahead.add(time.get());
            time = FirePlanner.previous(trigger, schedule.anchor(), time.get());
        }
        List<WithdrawOperations> operations = ahead.stream()
                .map(fire -> tasks.withdrawOperations(schedule.taskId(fire))).toList();
        List<Operation> reads = new ArrayList<>();
        for (WithdrawOperations task : operations) {
            reads.add(Operations.get(task.ownerKey()));
            reads.add(Operations.get(task.doneKey()));
        }
        List<List<KeyValue>> claims = Etcd.join(etcd.txn(List.of(), reads, List.of())).gets();
        List<Guard> guards = new ArrayList<>();
        List<Operation> writes = new ArrayList<>();
        Instant earliest = null;
        for (int i = 0; i < operations.size() && claims.get(2 * i).isEmpty() && claims.get(2 * i + 1).isEmpty(); i++) {
            guards.addAll(operations.get(i).guards());
            writes.addAll(operations.get(i).writes());
            earliest = ahead.get(i);
        }
        if (earliest == null) {
            return Withdrawal.NONE;
        }
        Optional<Operation> firedWrite = Optional.of(FirePlanner.previous(trigger, schedule.anchor(), earliest)
                .map(before -> Operations.put(keys.fired(schedule.name()), ScheduleCodec.encodeFire(before), 0))
                .orElseGet(() -> Operations.delete(KeyRange.key(keys.fired(schedule.name())))));
        return new Withdrawal(guards, writes, firedWrite);
    }

    /** Every schedule of the namespace in name order, read at one revision. */
    public List<ScheduleInfo> list() {
        RangeResult read = Etcd.join(etcd.range(KeyRange.prefix(keys.prefix())));
        Map<String, KeyValue> defs = new TreeMap<>();
        Map<String, KeyValue> fires = new TreeMap<>();
        for (KeyValue kv : read.kvs()) {
            keys.defName(kv.key()).ifPresent(name -> defs.put(name, kv));
            keys.firedName(kv.key()).ifPresent(name -> fires.put(name, kv));
        }
        List<ScheduleInfo> infos = new ArrayList<>();
        defs.forEach((name, def) -> infos.add(info(name, def, Optional.ofNullable(fires.get(name)))));
        return infos;
    }

    /** One schedule; empty when there is none of that name. */
    public Optional<ScheduleInfo> get(String name) {
        Schedule.checkName(name);
        Read read = read(name);
        return read.def().map(def -> info(name, def, read.fired()));
    }

    static ScheduleInfo info(String name, KeyValue def, Optional<KeyValue> fired) {
        List<String> problems = new ArrayList<>();
        Optional<Schedule> schedule = Optional.empty();
        try {
            schedule = Optional.of(ScheduleCodec.decode(name, def.valueUtf8()));
        } catch (InvalidScheduleException e) {
            problems.add(e.getMessage());
        }
        Optional<Instant> lastFire = Optional.empty();
        if (fired.isPresent()) {
            try {
                lastFire = Optional.of(ScheduleCodec.decodeFire(name, fired.get().valueUtf8()));
            } catch (InvalidScheduleException e) {
                problems.add(e.getMessage());
            }
        }
        return new ScheduleInfo(name, schedule, lastFire, problems);
    }

    /** Writes {@code edit} of a schedule's definition, withdrawing its tasks created ahead when {@code withdraw}. */
    private Schedule change(String name, boolean withdraw, UnaryOperator<Schedule> edit) {
        Schedule.checkName(name);
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Read read = read(name);
            KeyValue current = read.def().orElseThrow(() -> new NoSuchScheduleException(name));
            Schedule before = ScheduleCodec.decode(name, current.valueUtf8());
            Schedule changed = edit.apply(before);
            String encoded = ScheduleCodec.encode(changed);
            Withdrawal withdrawal = withdraw ? withdrawal(before, read.fired()) : Withdrawal.NONE;
            List<Guard> guards = new ArrayList<>(withdrawal.guards());
            guards.add(Compares.modRevisionIs(keys.def(name), current.modRevision()));
            List<Operation> writes = new ArrayList<>(withdrawal.taskWrites());
            writes.add(Operations.put(keys.def(name), encoded, 0));
            withdrawal.firedWrite().ifPresent(firedWrite -> {
                guards.add(Compares.modRevisionIs(keys.fired(name), read.fired().orElseThrow().modRevision()));
                writes.add(firedWrite);
            });
            try {
                TxnResult result = Etcd.join(etcd.txn(guards, writes, List.of()));
                if (result.succeeded()) {
                    return changed;
                }
            } catch (StoreTimeoutException e) {
                last = e;
                Optional<KeyValue> now = Etcd.join(etcd.get(keys.def(name)));
                if (now.isPresent() && now.get().valueUtf8().equals(encoded)) {
                    return changed;
                }
            }
        }
        throw last != null ? last
                : new IllegalStateException("schedule \"" + name + "\" kept changing; gave up after " + ATTEMPTS + " attempts");
    }
}
