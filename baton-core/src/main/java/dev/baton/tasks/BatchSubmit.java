package dev.baton.tasks;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One {@link TaskClient#submitAll}: the tasks are cut into transactions of at most
 * {@value #MAX_TASKS_PER_TXN} tasks within etcd's request size, and up to
 * {@value #MAX_IN_FLIGHT} of them are in flight at once.
 *
 * <p>Each transaction holds, for every task in it, the guard and the writes of the single submit:
 * {@code absent(spec) ∧ absent(done)} → put spec; its else branch reads the
 * spec and the done record of every task. When the guard fails nothing was written; the tasks
 * whose id is taken are duplicates and the others go out again in a transaction of their own.
 * When the outcome is unknown (rule 4 of {@code docs/architecture.md}) the same reads tell what happened: a spec that is
 * byte for byte the one sent (its submit instant included) is this call's own, a task with
 * neither record goes out again, and the guard keeps a late arrival of the first attempt from
 * writing twice. A task still unwritten after {@value #UNKNOWN_OUTCOME_ATTEMPTS} unknown outcomes
 * fails the call with the store's error, as does a read-back that fails.
 */
final class BatchSubmit {

    /** Two compares, a put and two gets per task: 64 tasks fill a list of 128 operations. */
    static final int MAX_TASKS_PER_TXN = TxnSplit.MAX_TXN_OPS / 2;
    static final int MAX_IN_FLIGHT = 8;
    static final int UNKNOWN_OUTCOME_ATTEMPTS = 3;

    private final Etcd etcd;
    private final Keyspace keys;
    private final int maxRequestBytes;

    BatchSubmit(Etcd etcd, Keyspace keys, int maxRequestBytes) {
        this.etcd = etcd;
        this.keys = keys;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** One task on its way: its keys and encoded records, and how often its outcome was unknown. */
    private static final class Item {
        final TaskId id;
        final String specKey;
        final String doneKey;
        final byte[] spec;
        final int requestBytes;
        int unknownOutcomes;
        Boolean submitted;

        Item(Keyspace keys, TaskSubmission submission, Instant now) {
            this.id = submission.id();
            this.specKey = keys.spec(id);
            this.doneKey = keys.done(id);
            this.spec = TaskWrites.utf8(new TaskSpec(submission.properties(), now, submission.notBefore(),
                    submission.options()).encode());
            // The spec key is in the compares, the puts and the gets; the done key in the compares and the gets.
            this.requestBytes = 3 * bytes(specKey) + 2 * bytes(doneKey) + spec.length
                    + 5 * TxnSplit.OPERATION_OVERHEAD_BYTES;
        }

        private static int bytes(String key) {
            return TaskWrites.utf8(key).length;
        }
    }

    /** A batch's answer: the transaction's result or its failure. */
    private record Answer(List<Item> batch, TxnResult result, Throwable error) {
    }

    SubmitAllResult submit(List<TaskSubmission> submissions, Instant now) {
        checkDistinct(submissions);
        List<Item> items = submissions.stream().map(s -> new Item(keys, s, now)).toList();
        Deque<List<Item>> queue = new ArrayDeque<>(
                TxnSplit.split(items, item -> item.requestBytes, MAX_TASKS_PER_TXN, maxRequestBytes));
        BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
        int inFlight = 0;
        RuntimeException failure = null;
        while (inFlight > 0 || (failure == null && !queue.isEmpty())) {
            while (failure == null && inFlight < MAX_IN_FLIGHT && !queue.isEmpty()) {
                List<Item> batch = queue.poll();
                send(batch).whenComplete((result, error) -> answers.add(new Answer(batch, result, error)));
                inFlight++;
            }
            Answer answer = next(answers, inFlight);
            inFlight--;
            try {
                List<Item> again = settle(answer);
                if (!again.isEmpty()) {
                    queue.addFirst(again);
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else if (failure != e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        List<TaskId> submitted = new ArrayList<>();
        List<TaskId> duplicates = new ArrayList<>();
        for (Item item : items) {
            (item.submitted ? submitted : duplicates).add(item.id);
        }
        return new SubmitAllResult(submitted, duplicates);
    }

    private static void checkDistinct(List<TaskSubmission> submissions) {
        Map<TaskId, Integer> seen = new HashMap<>();
        for (int i = 0; i < submissions.size(); i++) {
            TaskSubmission submission = submissions.get(i);
            if (submission == null) {
                throw new NullPointerException("submission at index " + i + " is null");
            }
            Integer first = seen.putIfAbsent(submission.id(), i);
            if (first != null) {
                throw new IllegalArgumentException("task id " + Excerpt.of(submission.id().value())
                        + " is given more than once (at indexes " + first + " and " + i + ")");
            }
        }
    }

    private CompletableFuture<TxnResult> send(List<Item> batch) {
        List<Guard> when = new ArrayList<>(2 * batch.size());
        List<Operation> then = new ArrayList<>(batch.size());
        for (Item item : batch) {
            when.add(Compares.absent(item.specKey));
            when.add(Compares.absent(item.doneKey));
            then.add(Operations.put(item.specKey, item.spec, 0));
        }
        return etcd.txn(when, then, reads(batch));
    }

    private static List<Operation> reads(List<Item> batch) {
        List<Operation> reads = new ArrayList<>(2 * batch.size());
        for (Item item : batch) {
            reads.add(Operations.get(item.specKey));
            reads.add(Operations.get(item.doneKey));
        }
        return reads;
    }

    /** Records what the answer decided and returns the tasks that must go out again. */
    private List<Item> settle(Answer answer) {
        List<Item> batch = answer.batch();
        if (answer.error() == null) {
            if (answer.result().succeeded()) {
                batch.forEach(item -> item.submitted = true);
                return List.of();
            }
            return resolve(batch, answer.result().gets());
        }
        if (!TaskWrites.outcomeUnknown(answer.error())) {
            throw asRuntime(answer.error());
        }
        batch.forEach(item -> item.unknownOutcomes++);
        List<Item> again = resolve(batch, readBack(batch));
        if (again.stream().anyMatch(item -> item.unknownOutcomes >= UNKNOWN_OUTCOME_ATTEMPTS)) {
            throw asRuntime(answer.error());
        }
        return again;
    }

    private List<List<KeyValue>> readBack(List<Item> batch) {
        try {
            return etcd.txn(List.of(), reads(batch), List.of()).join().gets();
        } catch (CompletionException e) {
            throw asRuntime(e);
        }
    }

    /** Sorts a batch by what the store holds for each task: {@code gets} are its spec and done reads, in order. */
    private static List<Item> resolve(List<Item> batch, List<List<KeyValue>> gets) {
        List<Item> again = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Item item = batch.get(i);
            Optional<KeyValue> spec = gets.get(2 * i).stream().findFirst();
            boolean done = !gets.get(2 * i + 1).isEmpty();
            if (spec.isPresent()) {
                item.submitted = item.unknownOutcomes > 0 && Arrays.equals(spec.get().value(), item.spec);
            } else if (done) {
                item.submitted = false;
            } else {
                again.add(item);
            }
        }
        return again;
    }

    private static Answer next(BlockingQueue<Answer> answers, int inFlight) {
        try {
            return answers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + inFlight
                    + " batch submit transactions were in flight; some of their tasks may have been submitted", e);
        }
    }

    private static RuntimeException asRuntime(Throwable error) {
        Throwable cause = Etcd.unwrap(error);
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }
}
