package dev.baton.schedule;

import dev.baton.election.Leadership;
import dev.baton.etcd.Backoff;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.TxnResult;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import dev.baton.schedule.FireBatcher.Pending;
import dev.baton.tasks.SubmitOperations;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskInfo;
import dev.baton.tasks.TaskSubmission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leadership term of the {@link Scheduler}: it reads every schedule and last fire time, then
 * follows {@code <ns>schedules/} through one watch, and sleeps until the earliest fire time or
 * the next change. Each fire is one transaction:
 *
 * <pre>
 * if   createRevision(leader key) == token                 the leadership's fence
 *    ∧ modRevision(defs/NAME)  == as read                   the schedule as decided on
 *    ∧ modRevision(fired/NAME) == as read                   no fire since the decision
 *    ∧ absent(tasks/NAME@T/spec) ∧ absent(tasks/NAME@T/done) the task does not exist yet
 * then put the task's spec (not before T) and state, put fired/NAME = T
 * else read defs/NAME, fired/NAME, and the task's spec and done keys
 * </pre>
 *
 * so a fire time becomes a task at most once whoever leads, and the last fire time moves only
 * with it. A timed schedule's task is written up to the lead before its fire time, with the fire
 * time as its not-before: no handler starts it earlier (members claim it up to their claim window
 * before), and the write's round trip and the store's queue are out of the fire's lag. A
 * fixed-delay schedule fires when due.
 *
 * <p>The {@link FireBatcher} groups the fires of several schedules into one transaction, the
 * conjunction of their guards under the one fence, and keeps several in flight; when a
 * transaction is refused, each of its fires is written again in a transaction of its own, which
 * reads what stood in its way. The fires of one schedule are written in order, each comparing
 * the last fire time the one before wrote. A write whose outcome is unknown is resolved by reading everything again (rule 4 of
 * {@code docs/architecture.md}); the reread fire times say what happened.
 *
 * <p>A fixed-delay schedule waits for its previous task's done record: it reads the task, and
 * while it runs, watches its done key from the revision of the fire that created it, so an end
 * between the read and the watch is not missed.
 */
final class SchedulerTerm {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerTerm.class);

    private final Etcd etcd;
    private final ScheduleKeys keys;
    private final TaskClient tasks;
    private final Clock clock;
    private final Duration threshold;
    private final Duration lead;
    private final Leadership leadership;
    private final Object monitor = new Object();
    private final Map<String, Definition> defs = new TreeMap<>();
    private final Map<String, Fired> fires = new HashMap<>();
    private final Map<String, Watch> endWatches = new HashMap<>();
    private final Map<String, Instant> previousEnds = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    // Guarded by monitor.
    private final List<WatchEvent> events = new ArrayList<>();
    private final Set<String> endSignals = new HashSet<>();
    private boolean reload = true;
    private boolean changed;

    private Watch watch;

    /** A definition as read at {@code modRevision}; empty when it does not decode (reported once). */
    private record Definition(Optional<Schedule> schedule, long modRevision) {
    }

    /** A last fire time; the revision is the fire's write, 0 when there is none. */
    private record Fired(Optional<Instant> lastFire, long modRevision) {
        static final Fired NONE = new Fired(Optional.empty(), 0);
    }

    SchedulerTerm(Etcd etcd, ScheduleKeys keys, TaskClient tasks, Clock clock, Duration threshold, Duration lead,
                  Leadership leadership) {
        this.etcd = etcd;
        this.keys = keys;
        this.tasks = tasks;
        this.clock = clock;
        this.threshold = threshold;
        this.lead = lead;
        this.leadership = leadership;
    }

    /** Fires the schedules until the leadership is lost or the thread interrupted. */
    void run() throws InterruptedException {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        boolean failing = false;
        try {
            Instant wake = null;
            while (leadership.isValid()) {
                try {
                    // The term's own fires come back through the watch as news of nothing: no pass for them.
                    if (applyChanges() || wake == null || !wake.isAfter(clock.instant())) {
                        wake = fireDue();
                    }
                    if (failing) {
                        LOG.info("scheduler works again");
                        failing = false;
                    }
                    backoff.reset();
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    if (!failing) {
                        LOG.warn("scheduler failed; it reads every schedule again: {}", Etcd.unwrap(e).toString());
                        failing = true;
                    }
                    synchronized (monitor) {
                        monitor.wait(Math.max(1, backoff.next().toMillis()));
                        reload = true;
                    }
                    continue;
                }
                sleepUntil(wake);
            }
        } finally {
            closeWatches();
        }
    }

    private void sleepUntil(Instant wake) throws InterruptedException {
        synchronized (monitor) {
            while (!changed && !reload && events.isEmpty() && endSignals.isEmpty() && leadership.isValid()) {
                if (wake == null) {
                    monitor.wait();
                } else {
                    long nanos = Duration.between(clock.instant(), wake).toNanos();
                    if (nanos <= 0) {
                        return;
                    }
                    // Rounded up: a wait cut short of the instant would find nothing due and spin.
                    monitor.wait(TimeUnit.NANOSECONDS.toMillis(nanos + TimeUnit.MILLISECONDS.toNanos(1) - 1));
                }
            }
            changed = false;
        }
    }

    private void signal(Runnable change) {
        synchronized (monitor) {
            change.run();
            changed = true;
            monitor.notifyAll();
        }
    }

    /** Reads everything when needed, else applies the watched changes; true when anything changed. */
    private boolean applyChanges() throws ExecutionException, TimeoutException, InterruptedException {
        boolean again;
        List<WatchEvent> pending;
        Set<String> ended;
        synchronized (monitor) {
            again = reload;
            reload = false;
            pending = new ArrayList<>(events);
            events.clear();
            ended = new HashSet<>(endSignals);
            endSignals.clear();
        }
        if (again) {
            loadAll();
            return true;
        }
        boolean changed = !ended.isEmpty();
        for (WatchEvent event : pending) {
            changed |= apply(event);
        }
        for (String name : ended) {
            previousEnds.remove(name);
            closeEndWatch(name);
        }
        return changed;
    }

    private void loadAll() throws ExecutionException, TimeoutException, InterruptedException {
        closeWatches();
        RangeResult read = await(etcd.range(KeyRange.prefix(keys.prefix())));
        defs.clear();
        fires.clear();
        previousEnds.clear();
        for (KeyValue kv : read.kvs()) {
            apply(new WatchEvent(WatchEvent.Type.PUT, kv));
        }
        watch = etcd.watch(KeyRange.prefix(keys.prefix()), read.revision() + 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> batch) {
                signal(() -> events.addAll(batch));
            }

            @Override
            public void onCompacted(long compactRevision) {
                signal(() -> reload = true);
            }

            @Override
            public void onFailed(Throwable cause) {
                signal(() -> reload = true);
            }
        });
        LOG.info("scheduler leads with {} schedules", defs.size());
    }

    /** Takes in one change of a definition or a last fire time; false when it was known already. */
    private boolean apply(WatchEvent event) {
        KeyValue kv = event.kv();
        Optional<String> def = keys.defName(kv.key());
        if (def.isPresent()) {
            String name = def.get();
            Definition known = defs.get(name);
            if (known != null && known.modRevision() >= kv.modRevision()) {
                return false;
            }
            if (event.type() == WatchEvent.Type.DELETE) {
                defs.remove(name);
                forget(name);
                return true;
            }
            defs.put(name, decode(name, kv));
            return true;
        }
        Optional<String> firedName = keys.firedName(kv.key());
        if (firedName.isEmpty()) {
            return false;
        }
        String name = firedName.get();
        Fired known = fires.getOrDefault(name, Fired.NONE);
        if (known.modRevision() >= kv.modRevision()) {
            return false;
        }
        if (event.type() == WatchEvent.Type.DELETE) {
            fires.remove(name);
        } else {
            try {
                fires.put(name, new Fired(Optional.of(ScheduleCodec.decodeFire(name, kv.valueUtf8())), kv.modRevision()));
            } catch (InvalidScheduleException e) {
                fires.put(name, new Fired(Optional.empty(), kv.modRevision()));
                report(name, e.getMessage() + "; the schedule fires as if it had never fired");
            }
        }
        forget(name);
        return true;
    }

    private Definition decode(String name, KeyValue kv) {
        try {
            Schedule.checkName(name);
            return new Definition(Optional.of(ScheduleCodec.decode(name, kv.valueUtf8())), kv.modRevision());
        } catch (InvalidScheduleException e) {
            report(name, e.getMessage() + "; it does not fire until it is written again");
            return new Definition(Optional.empty(), kv.modRevision());
        }
    }

    /** Drops what was known about the previous run of {@code name}. */
    private void forget(String name) {
        previousEnds.remove(name);
        closeEndWatch(name);
    }

    /**
     * Fires every schedule that is due; returns the earliest instant one is due next, a timed
     * schedule's next fire time less the lead (now, when a schedule changed under its decision: it
     * is decided again at once).
     */
    private Instant fireDue() throws ExecutionException, TimeoutException, InterruptedException {
        Instant earliest = null;
        List<Pending> pending = new ArrayList<>();
        for (String name : List.copyOf(defs.keySet())) {
            if (!leadership.isValid()) {
                return null;
            }
            Definition def = defs.get(name);
            if (def == null || def.schedule().isEmpty() || def.schedule().get().paused()) {
                continue;
            }
            Schedule schedule = def.schedule().get();
            Fired fired = fires.getOrDefault(name, Fired.NONE);
            Optional<Instant> next = schedule.trigger() instanceof Trigger.FixedDelay delay
                    ? fireAfterDelay(schedule, delay, def.modRevision(), fired)
                    : plan(schedule, def.modRevision(), fired, pending);
            if (next.isPresent() && (earliest == null || next.get().isBefore(earliest))) {
                earliest = next.get();
            }
        }
        return writeAll(pending) ? earliest : clock.instant();
    }

    /**
     * Decides a timed schedule: adds what it has to write to {@code pending}, fire times up to the
     * lead ahead included; returns when its next fire time is due to be written.
     */
    private Optional<Instant> plan(Schedule schedule, long defRevision, Fired fired, List<Pending> pending) {
        FireDecision decision = FirePlanner.decide((Trigger.Timed) schedule.trigger(), schedule.anchor(),
                fired.lastFire(), schedule.misfire(), threshold, clock.instant(), lead);
        decision.skippedThrough().ifPresent(skipped -> LOG.info(
                "schedule \"{}\" skipped missed fire times through {} (misfire policy {})",
                schedule.name(), skipped, schedule.misfire()));
        if (!decision.fires().isEmpty()) {
            pending.add(new Pending(schedule, defRevision, fired.modRevision(), decision.fires(), true));
        } else if (decision.lastFire().isPresent()) {
            pending.add(new Pending(schedule, defRevision, fired.modRevision(), List.of(decision.lastFire().get()), false));
        }
        return decision.next().map(next -> next.minus(lead));
    }

    /**
     * Writes the pending fires as the {@link FireBatcher} groups them: as soon as the
     * oldest transaction is settled the next is sent, so the store always has a window of work and
     * never waits for the slowest of a round. One schedule has at most one fire in flight; its
     * fires are written in order, each comparing the last fire time the one before wrote. Returns
     * false when a schedule changed under its decision; its remaining fires are dropped.
     */
    private boolean writeAll(List<Pending> pending) throws ExecutionException, TimeoutException, InterruptedException {
        boolean allWritten = true;
        FireBatcher batcher = new FireBatcher();
        pending.forEach(batcher::add);
        Deque<Sent> inFlight = new ArrayDeque<>();
        while ((!batcher.isEmpty() || !inFlight.isEmpty()) && leadership.isValid()) {
            for (List<Pending> batch = batcher.next(inFlight.size()); !batch.isEmpty();
                 batch = batcher.next(inFlight.size())) {
                inFlight.add(new Sent(batch, send(batch)));
            }
            Sent oldest = inFlight.poll();
            TxnResult result = await(oldest.answer());
            for (Pending fire : oldest.fires()) {
                Instant time = fire.times.poll();
                Optional<Long> written = result.succeeded()
                        ? Optional.of(fired(fire.schedule, time, fire.withTask, result.revision()))
                        : write(fire.schedule, fire.defRevision, fire.firedRevision, time, fire.withTask);
                if (written.isEmpty()) {
                    allWritten = false;
                } else if (!fire.times.isEmpty()) {
                    fire.firedRevision = written.get();
                    batcher.add(fire);
                }
            }
        }
        return allWritten;
    }

    /** The transaction of several schedules' next fires, all written or none. */
    private CompletableFuture<TxnResult> send(List<Pending> batch) {
        List<Guard> guards = new ArrayList<>(List.of(leadership.fence()));
        List<Operation> puts = new ArrayList<>();
        for (Pending fire : batch) {
            Fire parts = fire(fire.schedule, fire.defRevision, fire.firedRevision, fire.next(), fire.withTask);
            guards.addAll(parts.guards());
            puts.addAll(parts.puts());
        }
        return etcd.txn(guards, puts, List.of());
    }

    /** Transactions of fires on their way. */
    private record Sent(List<Pending> fires, CompletableFuture<TxnResult> answer) {
    }

    private Optional<Instant> fireAfterDelay(Schedule schedule, Trigger.FixedDelay delay, long defRevision, Fired fired)
            throws ExecutionException, TimeoutException, InterruptedException {
        Instant due;
        if (fired.lastFire().isEmpty()) {
            due = schedule.anchor().plus(delay.delay());
        } else {
            Optional<Instant> end = previousEnd(schedule, fired);
            if (end.isEmpty()) {
                return Optional.empty();
            }
            due = end.get().truncatedTo(ChronoUnit.SECONDS).plusSeconds(end.get().getNano() == 0 ? 0 : 1)
                    .plus(delay.delay());
        }
        if (due.isAfter(clock.instant())) {
            return Optional.of(due);
        }
        if (write(schedule, defRevision, fired.modRevision(), due, true).isEmpty()) {
            return Optional.of(clock.instant());
        }
        return Optional.empty();
    }

    /**
     * When the previous run of a fixed-delay schedule ended: its final state's instant; its fire
     * time when the task is gone (deleted, or its done record removed). Empty while it runs, with
     * a watch on its done key that wakes the scheduler when it ends.
     */
    private Optional<Instant> previousEnd(Schedule schedule, Fired fired)
            throws ExecutionException, TimeoutException, InterruptedException {
        String name = schedule.name();
        Instant known = previousEnds.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        Instant lastFire = fired.lastFire().orElseThrow();
        TaskId previous = schedule.taskId(lastFire);
        if (!endWatches.containsKey(name)) {
            endWatches.put(name, etcd.watch(KeyRange.key(tasks.doneKey(previous)), fired.modRevision() + 1,
                    new WatchListener() {
                        @Override
                        public void onEvents(List<WatchEvent> batch) {
                            signal(() -> endSignals.add(name));
                        }

                        @Override
                        public void onCompacted(long compactRevision) {
                            signal(() -> endSignals.add(name));
                        }
                    }));
        }
        Optional<TaskInfo> info = tasks.get(previous);
        Optional<Instant> end;
        if (info.isEmpty()) {
            end = Optional.of(lastFire);
        } else if (info.get().done()) {
            end = Optional.of(info.get().since().orElse(lastFire));
        } else {
            return Optional.empty();
        }
        previousEnds.put(name, end.get());
        closeEndWatch(name);
        return end;
    }

    /** Writes one fire (with its task when {@code withTask}); see {@link #settle}. */
    private Optional<Long> write(Schedule schedule, long defRevision, long firedRevision, Instant time, boolean withTask)
            throws ExecutionException, TimeoutException, InterruptedException {
        return settle(schedule, defRevision, firedRevision, time, withTask,
                await(send(schedule, defRevision, firedRevision, time, withTask)));
    }

    /** The guards (but the fence) and puts of one fire, with the keys to read back when refused. */
    private record Fire(List<Guard> guards, List<Operation> puts, List<Operation> readBack) {
    }

    private Fire fire(Schedule schedule, long defRevision, long firedRevision, Instant time, boolean withTask) {
        String name = schedule.name();
        SubmitOperations submit = tasks.submitOperations(new TaskSubmission(schedule.taskId(time),
                schedule.properties(), Optional.of(time), schedule.options()));
        List<Guard> guards = new ArrayList<>(List.of(Compares.modRevisionIs(keys.def(name), defRevision),
                Compares.modRevisionIs(keys.fired(name), firedRevision)));
        List<Operation> puts = new ArrayList<>();
        if (withTask) {
            guards.addAll(submit.guards());
            puts.addAll(submit.writes());
        }
        puts.add(Operations.put(keys.fired(name), ScheduleCodec.encodeFire(time), 0));
        return new Fire(guards, puts, List.of(Operations.get(keys.def(name)), Operations.get(keys.fired(name)),
                Operations.get(submit.specKey()), Operations.get(submit.doneKey())));
    }

    /** Sends the transaction of one fire, as the class comment shows it. */
    private CompletableFuture<TxnResult> send(Schedule schedule, long defRevision, long firedRevision, Instant time,
                                              boolean withTask) {
        Fire fire = fire(schedule, defRevision, firedRevision, time, withTask);
        List<Guard> guards = new ArrayList<>(List.of(leadership.fence()));
        guards.addAll(fire.guards());
        return etcd.txn(guards, fire.puts(), fire.readBack());
    }

    /** Takes in a fire written at {@code revision}; returns the revision. */
    private long fired(Schedule schedule, Instant time, boolean withTask, long revision) {
        String name = schedule.name();
        fires.put(name, new Fired(Optional.of(time), revision));
        forget(name);
        LOG.debug("schedule \"{}\" fired {}{}", name, time, withTask ? " as task " + schedule.taskId(time) : " without a task");
        return revision;
    }

    /**
     * Takes in the outcome of a fire's transaction: returns its revision when it was written, or
     * empty when the schedule changed meanwhile, after taking in what the refusal read. A task of
     * the fire's id that is in the way counts as the fire's task, and the fire is written again
     * without it. A refusal by the fence alone throws: the leadership is gone, or about to be
     * noticed gone.
     */
    private Optional<Long> settle(Schedule schedule, long defRevision, long firedRevision, Instant time,
                                  boolean withTask, TxnResult result)
            throws ExecutionException, TimeoutException, InterruptedException {
        String name = schedule.name();
        TaskId id = schedule.taskId(time);
        if (result.succeeded()) {
            return Optional.of(fired(schedule, time, withTask, result.revision()));
        }
        List<List<KeyValue>> read = result.gets();
        long defNow = read.get(0).stream().findFirst().map(KeyValue::modRevision).orElse(0L);
        long firedNow = read.get(1).stream().findFirst().map(KeyValue::modRevision).orElse(0L);
        if (defNow != defRevision || firedNow != firedRevision) {
            read.get(0).forEach(kv -> apply(new WatchEvent(WatchEvent.Type.PUT, kv)));
            read.get(1).forEach(kv -> apply(new WatchEvent(WatchEvent.Type.PUT, kv)));
            if (read.get(0).isEmpty()) {
                defs.remove(name);
            }
            if (read.get(1).isEmpty()) {
                fires.remove(name);
            }
            forget(name);
            return Optional.empty();
        }
        if (withTask && (!read.get(2).isEmpty() || !read.get(3).isEmpty())) {
            report(name, "task " + id + " exists already (submitted by someone else); it counts as the task of fire time " + time);
            return write(schedule, defRevision, firedRevision, time, false);
        }
        throw new IllegalStateException("the fence of " + leadership + " no longer holds");
    }

    private void report(String name, String problem) {
        if (reported.add(name + "\n" + problem)) {
            LOG.warn("schedule \"{}\": {}", name, problem);
        }
    }

    private void closeEndWatch(String name) {
        Watch end = endWatches.remove(name);
        if (end != null) {
            end.close();
        }
    }

    private void closeWatches() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        for (String name : List.copyOf(endWatches.keySet())) {
            closeEndWatch(name);
        }
    }

    private <T> T await(CompletableFuture<T> future) throws ExecutionException, TimeoutException, InterruptedException {
        return future.get(etcd.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
    }
}
