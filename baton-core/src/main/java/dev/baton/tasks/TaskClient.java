package dev.baton.tasks;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.TxnResult;
import dev.baton.etcd.Watch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Submits, deletes, lists and commands the tasks of one namespace. Each call is one request (or
 * one transaction) and blocks for at most the connection's request timeout, except
 * {@link #submitAll}, which sends as many transactions as its tasks need, and {@link #await} and
 * {@link #whenDone}, which wait for a task to end; a failure is thrown as the facade reported it.
 * Thread-safe.
 *
 * <p>Writes are never resent blindly: when a submit's outcome is unknown the client reads the
 * task back and recognises its own spec by its submit instant; a delete is repeated only after
 * reading that the task is still there. A command whose outcome is unknown is reported as such,
 * because the member may already have applied and deleted it.
 */
public final class TaskClient {

    private static final int UNKNOWN_OUTCOME_ATTEMPTS = 3;

    private final Etcd etcd;
    private final Keyspace keys;
    private final TaskWrites writes;
    private final Clock clock;

    private TaskClient(Etcd etcd, String namespace, Clock clock) {
        this.etcd = Objects.requireNonNull(etcd, "etcd");
        this.keys = new Keyspace(namespace);
        this.writes = new TaskWrites(etcd, keys);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A client of the default namespace {@code baton/}. */
    public static TaskClient create(Etcd etcd) {
        return create(etcd, Keyspace.DEFAULT_NAMESPACE);
    }

    /** A client of {@code namespace}, which ends in {@code /}. */
    public static TaskClient create(Etcd etcd, String namespace) {
        return new TaskClient(etcd, namespace, Clock.systemUTC());
    }

    /** A client whose submit instants come from {@code clock}. */
    public static TaskClient create(Etcd etcd, String namespace, Clock clock) {
        return new TaskClient(etcd, namespace, clock);
    }

    /** The namespace this client works in. */
    public String namespace() {
        return keys.namespace();
    }

    /**
     * Submits a task that may be claimed at once, with the default options. Returns the revision
     * of the submit.
     *
     * @throws DuplicateTaskException when a task with this id exists or is done and not yet deleted
     */
    public long submit(TaskId id, TaskProperties properties) {
        return submit(TaskSubmission.of(id, properties));
    }

    /**
     * Submits a task whose handler no member starts before {@code notBefore}, with the default
     * options; a member may claim it up to its claim window earlier
     * ({@link TaskMemberBuilder#claimWindow}, 250 ms by default) and holds it until then. Returns
     * the revision of the submit.
     *
     * @throws DuplicateTaskException when a task with this id exists or is done and not yet deleted
     */
    public long submit(TaskId id, TaskProperties properties, Instant notBefore) {
        return submit(TaskSubmission.of(id, properties, notBefore));
    }

    /**
     * Submits one task with its not-before instant and {@link TaskOptions} (timeout, retry policy,
     * priority). Returns the revision of the submit.
     *
     * @throws DuplicateTaskException when a task with this id exists or is done and not yet deleted
     */
    public long submit(TaskSubmission submission) {
        Objects.requireNonNull(submission, "submission");
        TaskId id = submission.id();
        TaskSpec spec = new TaskSpec(submission.properties(), clock.instant(), submission.notBefore(),
                submission.options());
        String encoded = spec.encode();
        RuntimeException unknown = null;
        for (int attempt = 0; attempt < UNKNOWN_OUTCOME_ATTEMPTS; attempt++) {
            TxnResult result;
            try {
                result = Etcd.join(writes.submit(id, spec));
            } catch (RuntimeException e) {
                if (!TaskWrites.outcomeUnknown(e)) {
                    throw e;
                }
                unknown = e;
                Optional<KeyValue> current = Etcd.join(etcd.get(keys.spec(id)));
                if (current.isPresent() && current.get().valueUtf8().equals(encoded)) {
                    return current.get().createRevision();
                }
                if (current.isPresent()) {
                    throw DuplicateTaskException.exists(id, current.get().createRevision());
                }
                continue;
            }
            if (result.succeeded()) {
                return result.revision();
            }
            Optional<KeyValue> existing = result.gets().get(0).stream().findFirst();
            if (existing.isPresent()) {
                if (existing.get().valueUtf8().equals(encoded)) {
                    return existing.get().createRevision();
                }
                throw DuplicateTaskException.exists(id, existing.get().createRevision());
            }
            throw DuplicateTaskException.done(id);
        }
        throw unknown;
    }

    /**
     * Submits many tasks in few transactions: each transaction holds up to 64 tasks (etcd's
     * default limit of 128 operations per list) and stays under etcd's default request limit of
     * 1.5 MiB, and up to 8 of them are in flight at once. Every task is stored exactly as
     * {@link #submit} stores it, under the same guard (no task and no done record with its id),
     * with one submit instant for the whole call. A task whose id is taken is refused and named
     * in the result; the others are submitted. When a transaction's outcome is unknown the client
     * reads its tasks back and recognises its own specs, as {@link #submit} does, before sending
     * the rest again; an accepted task whose outcome was unknown and that a member finished before
     * it was read back is reported as a duplicate.
     *
     * @param submissions the tasks, each id at most once; an empty list submits nothing
     * @return which tasks were submitted and which were refused as duplicates, in the given order
     * @throws IllegalArgumentException when an id is given more than once, naming it; nothing is
     *                                  submitted then
     * @throws RuntimeException         the store's error when a transaction is refused (for
     *                                  instance for lack of permission), or when a task's outcome
     *                                  stayed unknown after 3 attempts; no further transaction is
     *                                  sent, those in flight are awaited, and some tasks may have
     *                                  been submitted
     */
    public SubmitAllResult submitAll(List<TaskSubmission> submissions) {
        Objects.requireNonNull(submissions, "submissions");
        return new BatchSubmit(etcd, keys, TxnSplit.MAX_REQUEST_BYTES).submit(submissions, clock.instant());
    }

    /**
     * The guards and writes of a {@link #submit} of {@code submission}, submitted now by this
     * client's clock, for a caller that sends them in its own transaction. Nothing is sent.
     */
    public SubmitOperations submitOperations(TaskSubmission submission) {
        Objects.requireNonNull(submission, "submission");
        TaskId id = submission.id();
        TaskSpec spec = new TaskSpec(submission.properties(), clock.instant(), submission.notBefore(),
                submission.options());
        return new SubmitOperations(TaskWrites.submitGuards(keys, id),
                TaskWrites.submitWrites(keys, id, spec), keys.spec(id), keys.done(id));
    }

    /**
     * The guards and writes that withdraw a task no member has claimed, for a caller that sends
     * them in its own transaction (a schedule paused before the fire time of a task it created
     * ahead). Nothing is sent.
     */
    public WithdrawOperations withdrawOperations(TaskId id) {
        Objects.requireNonNull(id, "id");
        return new WithdrawOperations(
                List.of(Compares.absent(keys.owner(id)), Compares.absent(keys.done(id))),
                TaskWrites.deletes(keys, id), keys.owner(id), keys.done(id));
    }

    /**
     * The key of a task's done record ({@code docs/keyspace.md}), which appears when the task is
     * retired: for a recipe that watches for a task's end.
     */
    public String doneKey(TaskId id) {
        return keys.done(Objects.requireNonNull(id, "id"));
    }

    /**
     * Deletes a task, running or done, with its pending commands. A member running it sees its
     * claim disappear, stops the handler, and can no longer write for it. Returns false when
     * there was no such task.
     */
    public boolean delete(TaskId id) {
        Objects.requireNonNull(id, "id");
        RuntimeException unknown = null;
        for (int attempt = 0; attempt < UNKNOWN_OUTCOME_ATTEMPTS; attempt++) {
            try {
                TxnResult result = Etcd.join(writes.delete(id));
                return !result.gets().get(0).isEmpty() || !result.gets().get(1).isEmpty();
            } catch (RuntimeException e) {
                if (!TaskWrites.outcomeUnknown(e)) {
                    throw e;
                }
                unknown = e;
                if (Etcd.join(writes.readTask(id)).kvs().isEmpty()) {
                    return true;
                }
            }
        }
        throw unknown;
    }

    /**
     * Runs a failed or killed task again, as a dead letter is requeued: in one transaction guarded
     * by the done record's revision, the done record gives way to the spec the task was submitted
     * with and a RUNNABLE state with a fresh retry budget (attempts 0) that keeps the last error and
     * the checkpoint, so a stateful handler resumes where the task stopped. Two retries of one
     * failure requeue the task once.
     *
     * @return the revision of the requeue
     * @throws NoSuchTaskException   when there is no task with this id
     * @throws IllegalStateException when the task is not done, completed, or done before done
     *                               records kept the spec (naming which)
     */
    public long retry(TaskId id) {
        Objects.requireNonNull(id, "id");
        RuntimeException unknown = null;
        for (int attempt = 0; attempt < UNKNOWN_OUTCOME_ATTEMPTS; attempt++) {
            RangeResult read = Etcd.join(writes.readTask(id));
            Optional<KeyValue> doneKv = read.kvs().stream().filter(kv -> kv.key().equals(keys.done(id))).findFirst();
            if (doneKv.isEmpty()) {
                if (unknown != null && !read.kvs().isEmpty()) {
                    return read.kvs().get(0).createRevision();
                }
                throw read.kvs().isEmpty()
                        ? new NoSuchTaskException(id, "no task " + Excerpt.of(id.value()) + " to retry")
                        : new IllegalStateException("task " + Excerpt.of(id.value())
                                + " is not done; only a failed or killed task can be retried");
            }
            DoneTask done = DoneTask.decode(doneKv.get().valueUtf8());
            TaskState last = done.state();
            if (last.status() == TaskStatus.COMPLETED) {
                throw new IllegalStateException("task " + Excerpt.of(id.value())
                        + " completed; only a failed or killed task can be retried");
            }
            TaskSpec spec = done.spec().orElseThrow(() -> new IllegalStateException("task " + Excerpt.of(id.value())
                    + " was retired before done records kept the spec; submit it again instead"));
            TaskState again = TaskState.of(TaskStatus.RUNNABLE, clock.instant(), 0, null,
                    last.lastError().orElse(null), last.checkpoint().orElse(null));
            try {
                TxnResult result = Etcd.join(writes.requeue(id, doneKv.get().modRevision(), spec, again));
                if (result.succeeded()) {
                    return result.revision();
                }
            } catch (RuntimeException e) {
                if (!TaskWrites.outcomeUnknown(e)) {
                    throw e;
                }
                unknown = e;
            }
        }
        throw unknown != null ? unknown
                : new IllegalStateException("task " + Excerpt.of(id.value()) + " changed under every retry");
    }

    /** Every task of the namespace, live and done, in id order, read at one revision. */
    public List<TaskInfo> list() {
        return table(keys.tasksPrefix()).taskInfos();
    }

    /** One task, read at one revision; empty when there is no such task. */
    public Optional<TaskInfo> get(TaskId id) {
        RangeResult read = Etcd.join(writes.readTask(id));
        if (read.kvs().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TaskTable.info(keys, id, read.revision(), read.kvs()));
    }

    /**
     * The task's info once it is retired (completed, failed or killed): at once when it is done
     * already, else when its done record is written, which the client learns from a watch on the
     * task's records. The info holds the final state (status, when it ended, the attempts and the
     * last error), the handler's {@link TaskInfo#result() result} when it completed with one, and
     * the properties, submit instant, not-before and options that the done record keeps with it,
     * as {@link #get} shows a done task. Completes
     * exceptionally with {@link NoSuchTaskException} when the task does not exist, or is deleted
     * before it ends. Cancelling the future stops the watch.
     */
    public CompletableFuture<TaskInfo> whenDone(TaskId id) {
        return TaskCompletion.of(etcd, keys, writes, Objects.requireNonNull(id, "id"));
    }

    /**
     * Waits up to {@code timeout} for the task to be retired and returns its final info, as
     * {@link #whenDone} gives it.
     *
     * @throws TimeoutException when the task has not ended within {@code timeout}; it goes on
     * @throws NoSuchTaskException when the task does not exist, or is deleted before it ends
     */
    public TaskInfo await(TaskId id, Duration timeout) throws InterruptedException, TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<TaskInfo> done = whenDone(id);
        try {
            return done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = Etcd.unwrap(e);
            throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
        } finally {
            done.cancel(false);
        }
    }

    /**
     * Tells {@code listener} about every task of the namespace that ends (is retired as completed,
     * failed or killed) from now on, with its final info as the done record holds it: the final
     * state, the spec it was submitted with and the handler's result, if any. Calls are made one at a time, in the order the
     * tasks ended, on the connection's callback executor; a listener that throws is logged and
     * called again for the next end. When the watch's history was compacted, the ends written
     * meanwhile are read back and told in order, except those retention deleted already. Close the
     * returned watch to stop.
     */
    public Watch onEnds(Consumer<TaskInfo> listener) {
        Objects.requireNonNull(listener, "listener");
        long now = Etcd.join(etcd.range(KeyRange.key(keys.namespace()))).revision();
        return TaskEnds.after(now, etcd, keys, listener);
    }

    /** Every live member with the claims it holds, in id order, read at one revision. */
    public List<MemberInfo> members() {
        return table(keys.namespace()).memberInfos();
    }

    /**
     * Sends a command to a member, live or not yet started: it is stored until the member has
     * applied it. Returns the command's key.
     */
    public String send(String member, MemberCommand command) {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(command, "command");
        String key = keys.memberCommandPrefix(KeySegment.check("member id", member)) + commandName();
        Etcd.join(writes.sendMemberCommand(key, command));
        return key;
    }

    /**
     * Sends a command to a task: the member holding it applies it, or the next one to claim it
     * does, before running the handler. Returns the command's key.
     *
     * @throws NoSuchTaskException when the task does not exist or is done
     */
    public String send(TaskId task, TaskCommand command) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(command, "command");
        String key = keys.taskCommandPrefix(task) + commandName();
        if (!Etcd.join(writes.sendTaskCommand(task, key, command)).succeeded()) {
            throw new NoSuchTaskException(task);
        }
        return key;
    }

    private TaskTable table(String prefix) {
        RangeResult read = Etcd.join(etcd.range(KeyRange.prefix(prefix)));
        TaskTable table = new TaskTable(keys);
        table.reset(read.revision(), read.kvs());
        return table;
    }

    /** A command key name: the send instant (readable in listings) and 64 random bits (unique). */
    private String commandName() {
        return String.format("%013d-%s", clock.millis(),
                HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    }
}
