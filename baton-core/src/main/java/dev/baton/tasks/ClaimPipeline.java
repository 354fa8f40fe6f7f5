package dev.baton.tasks;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.TxnResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a plan's claims and reports which landed. Every claim is its own guarded write (one
 * nested transaction), and the {@link TxnBatcher} packs the claims sent together into few
 * requests, so a member claiming thousands of tasks costs the store tens of proposals. A claim
 * someone else won is simply dropped; a claim whose outcome is unknown is resolved by reading the
 * owner key back (rule 4 of {@code docs/architecture.md}), for as long as the lease it was made
 * on is the session's. Used from the member's control thread only.
 */
final class ClaimPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimPipeline.class);
    /**
     * Requests a member keeps in flight at once (claims and fenced writes, many per request): one
     * while writes trickle in, since the store's cost is per request (a proposal and an fsync) and
     * what queues behind it leaves together in the next; up to this many while a bulk waits (see
     * {@link TxnBatcher#BULK}). Measured on etcd, 8 requests in flight for a trickle gave more,
     * smaller requests and no more throughput.
     */
    static final int REQUESTS_IN_FLIGHT = 4;
    /**
     * The most claims one pass sends: as many as fill the requests a member keeps in flight
     * (each carries {@link TxnBatcher#MAX_WRITES} less a claim's {@link TaskWrites#CLAIM_OPS}
     * operations of nested writes). A pass decides from what the member has
     * seen so far; while the fleet is changing (members starting or unfreezing one after another)
     * that view is briefly wrong, and a member claiming thousands at once on it would take far more
     * than its share and make the others' claims collide. Claiming in windows, each decided after
     * the last one settled, keeps every decision at most one window behind the store.
     */
    static final int MAX_PER_PASS = REQUESTS_IN_FLIGHT * (TxnBatcher.MAX_WRITES - TaskWrites.CLAIM_OPS);

    /** What the member learns from its claims. */
    interface Listener {
        /** A claim landed with {@code token}; the spec and state were read with it (state may be null). */
        void claimed(TaskId task, long token, long lease, KeyValue spec, KeyValue state);

        /** The last claim in flight has settled. */
        void settled();

        /** True while claims made on {@code lease} may still be resolved. */
        boolean leaseCurrent(long lease);
    }

    private final String member;
    private final TaskWrites writes;
    private final TxnBatcher batcher;
    private final ScheduledExecutorService control;
    private final Listener listener;
    private int inFlight;

    ClaimPipeline(String member, TaskWrites writes, TxnBatcher batcher, ScheduledExecutorService control,
                  Listener listener) {
        this.member = member;
        this.writes = writes;
        this.batcher = batcher;
        this.control = control;
        this.listener = listener;
    }

    /** Claims not yet settled. */
    int inFlight() {
        return inFlight;
    }

    /**
     * Claims {@code tasks} on {@code lease}, all at once; {@code recordBytes} gives what each
     * task's records are expected to weigh in the answer.
     */
    void claim(List<TaskId> tasks, long lease, IntUnaryOperator recordBytes) {
        List<TxnBatcher.Write> claims = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            claims.add(writes.claim(tasks.get(i), member, lease, recordBytes.applyAsInt(i)));
        }
        inFlight += tasks.size();
        List<CompletableFuture<TxnResult>> outcomes = batcher.sendAll(claims);
        for (int i = 0; i < tasks.size(); i++) {
            TaskId task = tasks.get(i);
            outcomes.get(i).whenComplete((result, error) -> answered(task, lease, result, error));
        }
    }

    private void answered(TaskId task, long lease, TxnResult result, Throwable error) {
        if (error == null) {
            if (result.succeeded()) {
                listener.claimed(task, result.revision(), lease, first(result.gets().get(0)),
                        first(result.gets().get(1)));
            }
            settle();
        } else if (TaskWrites.outcomeUnknown(error)) {
            resolve(task, lease, new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2)));
        } else {
            LOG.debug("member {}: claim of task {} refused: {}", member, task, Etcd.unwrap(error).toString());
            settle();
        }
    }

    /** A claim whose outcome is unknown: read the owner key back and go by what it says. */
    private void resolve(TaskId task, long lease, Backoff backoff) {
        writes.readTask(task).whenCompleteAsync((read, error) -> {
            if (error != null) {
                if (listener.leaseCurrent(lease) && retry(() -> resolve(task, lease, backoff), backoff)) {
                    return;
                }
                settle();
                return;
            }
            Keyspace keys = writes.keys();
            KeyValue owner = read.find(keys.owner(task)).orElse(null);
            KeyValue spec = read.find(keys.spec(task)).orElse(null);
            KeyValue state = read.find(keys.state(task)).orElse(null);
            if (owner != null && owner.lease() == lease && owner.valueUtf8().equals(member)) {
                listener.claimed(task, owner.createRevision(), lease, spec, state);
            }
            settle();
        }, control);
    }

    private boolean retry(Runnable action, Backoff backoff) {
        try {
            control.schedule(action, backoff.next().toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    private void settle() {
        inFlight--;
        if (inFlight == 0) {
            listener.settled();
        }
    }

    private static KeyValue first(List<KeyValue> kvs) {
        return kvs.isEmpty() ? null : kvs.get(0);
    }
}
