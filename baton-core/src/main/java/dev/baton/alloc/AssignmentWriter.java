package dev.baton.alloc;

import dev.baton.alloc.StoreChange.Write;
import dev.baton.alloc.TxnBatches.Batch;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Sends batches of assignment changes as transactions, each guarded by the leadership fence and
 * by its changes' guards, so a deposed leader's or a stale plan's changes cannot land. Batches are
 * independent of each other (see {@link PlannedChanges}), so up to {@code inFlight} are in
 * flight at all times. Writes are never retried: a refused batch is re-planned from fresh state, and a batch
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
     * Sends {@code batches} in order, keeping up to {@code inFlight} unanswered at all times (each
     * answer lets the next batch go), until all are answered, one fails with an unknown outcome,
     * or a refusal comes while {@code leading} is false; then waits for every batch sent.
     */
    Outcome apply(List<Batch> batches, Guard fence, BooleanSupplier leading) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<TxnResult>> sent = new ArrayList<>(batches.size());
        for (Batch batch : batches) {
            slots.acquire();
            if (stop.get()) {
                break;
            }
            CompletableFuture<TxnResult> answer = send(batch, fence);
            answer.whenComplete((result, error) -> {
                if (error != null || !result.succeeded() && !leading.getAsBoolean()) {
                    stop.set(true);
                }
                slots.release();
            });
            sent.add(answer);
        }
        int committed = 0;
        int refused = 0;
        long revision = 0;
        Throwable failure = null;
        for (CompletableFuture<TxnResult> answer : sent) {
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
        return new Outcome(committed, refused, batches.size() - sent.size(), failure, revision);
    }

    private CompletableFuture<TxnResult> send(Batch batch, Guard fence) {
        List<Guard> when = new ArrayList<>(batch.guards().size() + 1);
        when.add(fence);
        for (StoreChange.Guard guard : batch.guards()) {
            when.add(guard.modRevision() == 0
                    ? Compares.absent(guard.key())
                    : Compares.modRevisionIs(guard.key(), guard.modRevision()));
        }
        List<Operation> then = new ArrayList<>(batch.writes().size());
        for (Write write : batch.writes()) {
            then.add(write instanceof Write.Put put
                    ? Operations.put(put.key(), put.value(), put.lease())
                    : Operations.delete(KeyRange.key(write.key())));
        }
        return etcd.txn(when, then, List.of());
    }
}
