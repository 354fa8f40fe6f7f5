package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a member's guarded writes as few requests, the way a log groups commits: writes queue,
 * and the queue leaves as one request once the work already waiting on {@code executor} (the
 * member's control thread: other runs' outcomes, claims landing) has run, so the writes of one
 * burst leave together; while a request is in flight, writes wait for its answer and leave
 * together in the next, unless {@link #BULK} or more are waiting, which are pipelined over up
 * to {@code maxRequests} requests. Each write is a transaction nested in the request. A nested
 * transaction evaluates its own compares, so every write keeps exactly its own guard and gets its
 * own outcome; one request costs the store one proposal and one fsync instead of one each.
 *
 * <p>Limits: a request carries as many writes as etcd's default {@code --max-txn-ops} allows
 * ({@link #MAX_WRITES}, less the operations of the longest write) and about
 * {@link #MAX_REQUEST_BYTES} of keys, values and expected answers (etcd refuses requests over
 * 1.5 MiB). Two writes of the same {@link Write#group()}
 * (a task) never share a request, because etcd refuses a request that writes one key twice; they
 * leave in the order they were sent. A request the store refuses as a whole (too large, too many
 * operations) was not applied, so its writes are sent again one by one; a request whose outcome
 * is unknown fails every write in it, and each caller resolves its own by reading back (rule 4 of
 * {@code docs/architecture.md}). Outcomes complete on {@code executor}. Thread-safe.
 */
final class TxnBatcher {

    private static final Logger LOG = LoggerFactory.getLogger(TxnBatcher.class);

    /**
     * etcd's default {@code --max-txn-ops}: the longest list (compares, then, else) of a request;
     * a nested transaction may have only what its enclosing list leaves of it, so a request of n
     * writes whose longest list is k needs n + k at most this.
     */
    static final int MAX_WRITES = 128;
    /**
     * Writes waiting that justify another request while one is in flight: fewer wait for it and
     * leave together in the next, since the store's cost is per request; a bulk (a pass's claims,
     * a mass release) is pipelined.
     */
    static final int BULK = MAX_WRITES / 2;
    /** The most bytes (keys, values, expected answers) one request of several writes carries. */
    static final int MAX_REQUEST_BYTES = 1 << 20;

    /**
     * One guarded write: a transaction of its own when sent alone.
     *
     * @param group the task (or other unit) the write touches; writes of one group never share a request
     * @param bytes the keys and values it writes plus what it reads, an estimate of its share of
     *              the request and of the answer
     */
    record Write(List<Guard> when, List<Operation> then, List<Operation> otherwise, String group, int bytes) {
        Write {
            when = List.copyOf(when);
            then = List.copyOf(then);
            otherwise = List.copyOf(otherwise);
            Objects.requireNonNull(group, "group");
        }

        /** The length of its longest list, what etcd counts against the operations left to a nested txn. */
        int ops() {
            return Math.max(when.size(), Math.max(then.size(), otherwise.size()));
        }
    }

    private record Queued(Write write, CompletableFuture<TxnResult> outcome, boolean alone) {
    }

    private final Etcd etcd;
    private final Executor executor;
    private final int maxRequests;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private int inFlight;
    private boolean flushQueued;
    private long requests;

    TxnBatcher(Etcd etcd, Executor executor, int maxRequests) {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be at least 1, is " + maxRequests);
        }
        this.etcd = etcd;
        this.executor = executor;
        this.maxRequests = maxRequests;
    }

    /** Queues {@code write}; the returned future completes with its own outcome, on the executor. */
    CompletableFuture<TxnResult> send(Write write) {
        return sendAll(List.of(write)).get(0);
    }

    /**
     * Queues {@code writes} together, so they leave in as few requests as the limits allow; each
     * returned future completes with its own write's outcome, on the executor.
     */
    List<CompletableFuture<TxnResult>> sendAll(List<Write> writes) {
        List<CompletableFuture<TxnResult>> outcomes = new ArrayList<>(writes.size());
        boolean flushNow;
        synchronized (this) {
            for (Write write : writes) {
                CompletableFuture<TxnResult> outcome = new CompletableFuture<>();
                queue.add(new Queued(write, outcome, false));
                outcomes.add(outcome);
            }
            flushNow = !flushQueued;
            flushQueued = true;
        }
        if (flushNow) {
            queueFlush();
        }
        return outcomes;
    }

    /** Flushes once the work already waiting on the executor has run; at once if it takes no more. */
    private void queueFlush() {
        try {
            executor.execute(this::flush);
        } catch (RejectedExecutionException e) {
            flush();
        }
    }

    /** Sends what may leave now. */
    private void flush() {
        List<List<Queued>> batches;
        synchronized (this) {
            flushQueued = false;
            batches = takeBatches();
        }
        batches.forEach(this::sendBatch);
    }

    /** Requests sent so far (one per batch); what the store was asked to commit. */
    synchronized long requests() {
        return requests;
    }

    /** Takes batches off the queue while requests may leave now. */
    private List<List<Queued>> takeBatches() {
        List<List<Queued>> batches = new ArrayList<>(1);
        while (!queue.isEmpty() && inFlight < maxRequests && (inFlight == 0 || queue.size() >= BULK)) {
            batches.add(nextBatch());
        }
        return batches;
    }

    private List<Queued> nextBatch() {
        List<Queued> batch = new ArrayList<>();
        Set<String> groups = new HashSet<>();
        int bytes = 0;
        int nestedOps = 0;
        while (!queue.isEmpty()) {
            Queued next = queue.peek();
            int ops = Math.max(nestedOps, next.write().ops());
            boolean fits = batch.isEmpty()
                    || !next.alone() && !batch.get(0).alone() && batch.size() + 1 + ops <= MAX_WRITES
                    && bytes + next.write().bytes() <= MAX_REQUEST_BYTES && !groups.contains(next.write().group());
            if (!fits) {
                break;
            }
            queue.poll();
            batch.add(next);
            groups.add(next.write().group());
            bytes += next.write().bytes();
            nestedOps = ops;
        }
        inFlight++;
        requests++;
        return batch;
    }

    private void sendBatch(List<Queued> batch) {
        CompletableFuture<TxnResult> request;
        try {
            request = batch.size() == 1 ? sendAlone(batch.get(0).write()) : sendNested(batch);
        } catch (RuntimeException e) {
            request = CompletableFuture.failedFuture(e);
        }
        long sent = System.nanoTime();
        request.whenCompleteAsync((result, error) -> {
            LOG.debug("{} writes answered in {} ms{}", batch.size(), (System.nanoTime() - sent) / 1_000_000,
                    error == null ? "" : ": " + error);
            List<Queued> resend = List.of();
            if (error == null) {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).outcome().complete(batch.size() == 1 ? result : result.nested().get(i));
                }
            } else if (batch.size() > 1 && !TaskWrites.outcomeUnknown(error)) {
                resend = batch;
            } else {
                for (Queued queued : batch) {
                    queued.outcome().completeExceptionally(error);
                }
            }
            synchronized (this) {
                for (int i = resend.size() - 1; i >= 0; i--) {
                    queue.addFirst(new Queued(resend.get(i).write(), resend.get(i).outcome(), true));
                }
                inFlight--;
                if (flushQueued || queue.isEmpty()) {
                    return;
                }
                flushQueued = true;
            }
            queueFlush();
        }, executor);
    }

    private CompletableFuture<TxnResult> sendAlone(Write write) {
        return etcd.txn(write.when(), write.then(), write.otherwise());
    }

    private CompletableFuture<TxnResult> sendNested(List<Queued> batch) {
        List<Operation> nested = new ArrayList<>(batch.size());
        for (Queued queued : batch) {
            Write write = queued.write();
            nested.add(Operations.txn(write.when(), write.then(), write.otherwise()));
        }
        return etcd.txn(List.of(), nested, List.of());
    }
}
