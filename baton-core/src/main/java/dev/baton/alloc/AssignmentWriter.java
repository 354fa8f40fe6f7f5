package dev.baton.alloc;

import dev.baton.alloc.StoreChange.Guard;
import dev.baton.alloc.StoreChange.Write;
import dev.baton.alloc.TxnBatches.Batch;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Sends batches of assignment changes as transactions, each guarded by the leadership fence and
 * by its changes' guards, so a deposed leader's or a stale plan's changes cannot land. Batches are
 * independent of each other (see {@link PlannedChanges}), so up to {@code inFlight} are sent at
 * once. Writes are never retried: a refused batch is re-planned from fresh state, and a batch
 * whose outcome is unknown stops the round so the caller can read the store back first.
 */
final class AssignmentWriter {

    private final Etcd etcd;
    private final int inFlight;

    AssignmentWriter(Etcd etcd, int inFlight) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("transactions in flight must be at least 1, got " + inFlight);
        }
        this.etcd = etcd;
        this.inFlight = inFlight;
    }

    /**
     * What one round of writes did.
     *
     * @param committed batches whose guards held, so all their changes landed
     * @param refused   batches whose guards or fence failed; none of their changes landed
     * @param unsent    batches not sent because the leadership was lost or an outcome was unknown
     * @param failure   the error of a batch whose outcome is unknown (a timeout or a lost
     *                  connection), or null
     * @param revision  the highest store revision any answer reported, 0 when none came
     */
    record Outcome(int committed, int refused, int unsent, Throwable failure, long revision) {
    }

    /**
     * Sends {@code batches} in order, up to {@code inFlight} at a time, until all are answered, one
     * fails with an unknown outcome, or a refusal comes while {@code leading} is false.
     */
    Outcome apply(List<Batch> batches, Cmp fence, BooleanSupplier leading) throws InterruptedException {
        int committed = 0;
        int refused = 0;
        long revision = 0;
        int next = 0;
        while (next < batches.size()) {
            List<CompletableFuture<TxnResult>> window = new ArrayList<>();
            for (int end = Math.min(batches.size(), next + inFlight); next < end; next++) {
                window.add(send(batches.get(next), fence));
            }
            Throwable failure = null;
            for (CompletableFuture<TxnResult> answer : window) {
                try {
                    TxnResult result = answer.get();
                    revision = Math.max(revision, result.revision());
                    if (result.succeeded()) {
                        committed++;
                    } else {
                        refused++;
                    }
                } catch (ExecutionException e) {
                    failure = failure == null ? Etcd.unwrap(e) : failure;
                }
            }
            int unsent = batches.size() - next;
            if (failure != null) {
                return new Outcome(committed, refused, unsent, failure, revision);
            }
            if (refused > 0 && !leading.getAsBoolean()) {
                return new Outcome(committed, refused, unsent, null, revision);
            }
        }
        return new Outcome(committed, refused, 0, null, revision);
    }

    private CompletableFuture<TxnResult> send(Batch batch, Cmp fence) {
        List<Cmp> when = new ArrayList<>(batch.guards().size() + 1);
        when.add(fence);
        for (Guard guard : batch.guards()) {
            when.add(guard.modRevision() == 0
                    ? Compares.absent(guard.key())
                    : Compares.modRevisionIs(guard.key(), guard.modRevision()));
        }
        List<Op> then = new ArrayList<>(batch.writes().size());
        for (Write write : batch.writes()) {
            then.add(write instanceof Write.Put put
                    ? Operations.put(put.key(), put.value(), put.lease())
                    : Operations.delete(KeyRange.key(write.key())));
        }
        return etcd.txn(when, then, List.of());
    }
}
