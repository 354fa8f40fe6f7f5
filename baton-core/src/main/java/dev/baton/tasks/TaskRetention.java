package dev.baton.tasks;

import dev.baton.election.Leadership;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.TxnResult;
import dev.baton.tasks.RetentionPolicy.DoneRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the done records of finished tasks by a {@link RetentionPolicy}, on behalf of a leader,
 * so the store's load does not grow with the history of a deployment. Run it under a
 * {@link dev.baton.election.LeaderService}:
 *
 * <pre>{@code
 * TaskRetention retention = TaskRetention.create(etcd, "baton/", RetentionPolicy.defaults());
 * LeaderService.builder(session, "baton/retention", memberName)
 *         .periodic(retention.policy().sweepPeriod(), retention::sweep)
 *         .start();
 * }</pre>
 *
 * <p>A {@link #sweep} reads the tasks of the namespace at one revision, decides by the policy
 * which done records go ({@link RetentionPolicy}: older than its age, or beyond its count, oldest
 * first; tasks that are live at that revision are never touched) and deletes them in
 * transactions of at most 127 records. Each transaction compares the leadership's
 * {@link Leadership#fence() fence} and, for every record, the done key's mod revision as read,
 * and deletes the done keys only: a deposed leader's sweep removes nothing, and a record
 * deleted, re-submitted and retired again since the read is not removed on the old decision. A
 * transaction whose compare fails ends the sweep, and so do a failure (no write is resent: the
 * next sweep reads again and decides afresh) and an interrupt of the sweeping thread. A done record whose value does not decode is left
 * alone. Thread-safe; sweeps should not overlap.
 *
 * <p>Cost: one read of the namespace's tasks (every key under {@code <ns>tasks/}) per sweep, and
 * one transaction per 127 records removed.
 */
public final class TaskRetention {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRetention.class);
    /** The fence and one compare per record fill a compare list of 128. */
    static final int MAX_RECORDS_PER_TXN = TxnSplit.MAX_TXN_OPS - 1;

    private final Etcd etcd;
    private final Keyspace keys;
    private final RetentionPolicy policy;
    private final Clock clock;

    private TaskRetention(Etcd etcd, String namespace, RetentionPolicy policy, Clock clock) {
        this.etcd = Objects.requireNonNull(etcd, "etcd");
        this.keys = new Keyspace(namespace);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Retention of the done records of {@code namespace} (ending in {@code /}), ages on the system clock. */
    public static TaskRetention create(Etcd etcd, String namespace, RetentionPolicy policy) {
        return create(etcd, namespace, policy, Clock.systemUTC());
    }

    /** Retention of the done records of {@code namespace}, measuring ages against {@code clock}. */
    public static TaskRetention create(Etcd etcd, String namespace, RetentionPolicy policy, Clock clock) {
        return new TaskRetention(etcd, namespace, policy, clock);
    }

    /** The policy this retention applies. */
    public RetentionPolicy policy() {
        return policy;
    }

    /**
     * One sweep on behalf of {@code leadership}: nothing when it is no longer valid, else the
     * done records the policy removes now, each delete fenced by the leadership. Blocks for a
     * read and one transaction per 127 records removed.
     *
     * @return how many done records were removed
     * @throws RuntimeException the store's error when a read or a delete failed; the records
     *                          removed before it stay removed
     */
    public int sweep(Leadership leadership) {
        Objects.requireNonNull(leadership, "leadership");
        if (!leadership.isValid()) {
            return 0;
        }
        List<DoneRecord> expired = decide();
        int removed = remove(expired, leadership.key(), leadership.token());
        if (removed > 0) {
            LOG.info("removed {} of {} expired done records under {} (max age {}, max count {})", removed,
                    expired.size(), keys.tasksPrefix(), policy.maxAge(), policy.maxCount());
        }
        return removed;
    }

    /** Reads the tasks of the namespace at one revision and returns the done records that go now, oldest first. */
    List<DoneRecord> decide() {
        RangeResult read = Etcd.join(etcd.range(KeyRange.prefix(keys.tasksPrefix())));
        List<DoneRecord> done = new ArrayList<>();
        Set<TaskId> live = new HashSet<>();
        for (KeyValue kv : read.kvs()) {
            if (!(keys.parse(kv.key()) instanceof Keyspace.TaskKey key)) {
                continue;
            }
            if (key.part() != Keyspace.Part.DONE) {
                live.add(key.task());
                continue;
            }
            try {
                done.add(new DoneRecord(key.task(), DoneTask.decode(kv.valueUtf8()).state().since(), kv.modRevision()));
            } catch (TaskFormatException e) {
                LOG.debug("done record {} does not decode and is kept: {}", kv.key(), e.getMessage());
            }
        }
        return policy.expired(done, live, clock.instant());
    }

    /**
     * Deletes {@code expired} in transactions fenced by the leader key {@code leaderKey} created at
     * {@code token}, each comparing every record's mod revision. Stops at the first transaction
     * whose compare fails, and before the next transaction once the thread is interrupted (as a
     * {@code LeaderService} does when the leadership is lost). Returns how many records were removed.
     */
    int remove(List<DoneRecord> expired, String leaderKey, long token) {
        int removed = 0;
        for (List<DoneRecord> batch : TxnSplit.split(expired, this::requestBytes, MAX_RECORDS_PER_TXN,
                TxnSplit.MAX_REQUEST_BYTES)) {
            if (Thread.currentThread().isInterrupted()) {
                return removed;
            }
            List<Guard> when = new ArrayList<>(batch.size() + 1);
            List<Operation> then = new ArrayList<>(batch.size());
            when.add(Compares.createRevisionIs(leaderKey, token));
            for (DoneRecord record : batch) {
                String key = keys.done(record.id());
                when.add(Compares.modRevisionIs(key, record.modRevision()));
                then.add(Operations.delete(KeyRange.key(key)));
            }
            TxnResult result = Etcd.join(etcd.txn(when, then, List.of(Operations.get(leaderKey))));
            if (!result.succeeded()) {
                Optional<KeyValue> leader = result.gets().get(0).stream().findFirst();
                if (leader.isEmpty() || leader.get().createRevision() != token) {
                    LOG.info("retention sweep under {} stopped: the leadership {} (token {}) is gone",
                            keys.tasksPrefix(), leaderKey, token);
                } else {
                    LOG.debug("retention sweep under {} stopped: done records changed since they were read; "
                            + "the next sweep decides again", keys.tasksPrefix());
                }
                return removed;
            }
            removed += batch.size();
        }
        return removed;
    }

    private int requestBytes(DoneRecord record) {
        return 2 * TaskWrites.utf8(keys.done(record.id())).length + 2 * TxnSplit.OPERATION_OVERHEAD_BYTES;
    }
}
