package dev.baton.schedule;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operations;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.StoreTimeoutException;
import dev.baton.etcd.TxnResult;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
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
 */
public final class Schedules {

    private static final int ATTEMPTS = 5;

    private final Etcd etcd;
    private final ScheduleKeys keys;
    private final Clock clock;

    private Schedules(Etcd etcd, String namespace, Clock clock) {
        this.etcd = Objects.requireNonNull(etcd, "etcd");
        this.keys = new ScheduleKeys(namespace);
        this.clock = Objects.requireNonNull(clock, "clock");
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
        return change(name, current -> new Schedule(name, trigger, misfire, properties, options, current.paused(),
                current.trigger().equals(trigger) ? current.anchor() : Schedule.anchorAt(clock.instant())));
    }

    /**
     * Pauses a schedule: it creates no task until resumed. On resume, the fire times missed
     * meanwhile are handled by its misfire policy.
     *
     * @throws NoSuchScheduleException when there is no such schedule
     */
    public Schedule pause(String name) {
        return change(name, current -> current.withPaused(true));
    }

    /**
     * Resumes a paused schedule (a running one is left as it is).
     *
     * @throws NoSuchScheduleException when there is no such schedule
     */
    public Schedule resume(String name) {
        return change(name, current -> current.withPaused(false));
    }

    /** Deletes a schedule and its last fire time; false when there was none. Its tasks stay. */
    public boolean delete(String name) {
        Schedule.checkName(name);
        TxnResult result = Etcd.join(etcd.txn(List.of(),
                List.of(Operations.get(keys.def(name)), Operations.delete(KeyRange.key(keys.def(name))),
                        Operations.delete(KeyRange.key(keys.fired(name)))),
                List.of()));
        return !result.gets().get(0).isEmpty();
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
        TxnResult read = Etcd.join(etcd.txn(List.of(),
                List.of(Operations.get(keys.def(name)), Operations.get(keys.fired(name))), List.of()));
        if (read.gets().get(0).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(info(name, read.gets().get(0).get(0), read.gets().get(1).stream().findFirst()));
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

    private Schedule change(String name, UnaryOperator<Schedule> edit) {
        Schedule.checkName(name);
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            KeyValue current = Etcd.join(etcd.get(keys.def(name))).orElseThrow(() -> new NoSuchScheduleException(name));
            Schedule changed = edit.apply(ScheduleCodec.decode(name, current.valueUtf8()));
            String encoded = ScheduleCodec.encode(changed);
            try {
                TxnResult result = Etcd.join(etcd.txn(List.of(Compares.modRevisionIs(keys.def(name), current.modRevision())),
                        List.of(Operations.put(keys.def(name), encoded, 0)), List.of()));
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
