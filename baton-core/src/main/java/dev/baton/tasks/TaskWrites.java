package dev.baton.tasks;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.StoreTimeoutException;
import dev.baton.etcd.TxnResult;
import io.etcd.jetcd.common.exception.EtcdException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Every write the task recipe makes, each a single transaction with its guard written next to
 * it. Each is sent once; a caller that sees {@link #outcomeUnknown} reads back before deciding
 * anything (rule 4 of {@code docs/architecture.md}). The writes a member makes for its claims are
 * {@link TxnBatcher.Write}s, so many of them share one request.
 *
 * <p>The owner key's create revision is the claim token. Every write on behalf of a claim
 * compares it, and the owner key exists only while the task does (a retire or a delete removes
 * both in one transaction), so a passing guard also proves the task still exists.
 */
final class TaskWrites {

    /** The length of a claim's longest list of operations (its compares, and its then branch). */
    static final int CLAIM_OPS = 3;

    private final Etcd etcd;
    private final Keyspace keys;

    TaskWrites(Etcd etcd, Keyspace keys) {
        this.etcd = etcd;
        this.keys = keys;
    }

    Keyspace keys() {
        return keys;
    }

    /** The guard of every write made for the claim {@code token} on {@code task}. */
    Guard fence(TaskId task, long token) {
        return Compares.createRevisionIs(keys.owner(task), token);
    }

    /**
     * Submits a task: its spec, only if neither the task nor a retired task of the same id exists.
     * A task has no state record until its holder first stores one: until then it is runnable. On refusal the else branch reads the spec and the done record, so the
     * caller can name what is in the way.
     */
    CompletableFuture<TxnResult> submit(TaskId task, TaskSpec spec) {
        return etcd.txn(submitGuards(keys, task), submitWrites(keys, task, spec),
                List.of(Operations.get(keys.spec(task)), Operations.get(keys.done(task))));
    }

    /** The guard of a submit: neither the task nor a retired task of the same id exists. */
    static List<Guard> submitGuards(Keyspace keys, TaskId task) {
        return List.of(Compares.absent(keys.spec(task)), Compares.absent(keys.done(task)));
    }

    /** The write of a submit: the spec alone. */
    static List<Operation> submitWrites(Keyspace keys, TaskId task, TaskSpec spec) {
        return List.of(Operations.put(keys.spec(task), utf8(spec.encode()), 0));
    }

    /**
     * Deletes every record of a task and its pending commands, whoever holds it: a holder's
     * fenced writes fail from then on. Reads spec and done first, so the caller learns whether
     * there was anything to delete.
     */
    CompletableFuture<TxnResult> delete(TaskId task) {
        List<Operation> operations = new ArrayList<>(List.of(Operations.get(keys.spec(task)), Operations.get(keys.done(task))));
        operations.addAll(deletes(keys, task));
        return etcd.txn(List.of(), operations, List.of());
    }

    /** The deletes of every record of a task and of its pending commands. */
    static List<Operation> deletes(Keyspace keys, TaskId task) {
        return List.of(Operations.delete(KeyRange.prefix(keys.taskPrefix(task))),
                Operations.delete(KeyRange.prefix(keys.taskCommandPrefix(task))));
    }

    /**
     * Runs a done task again: deletes its done record, if it is still the one written at
     * {@code doneRevision}, and stores {@code spec} and {@code state} as a submit does.
     */
    CompletableFuture<TxnResult> requeue(TaskId task, long doneRevision, TaskSpec spec, TaskState state) {
        return etcd.txn(
                List.of(Compares.modRevisionIs(keys.done(task), doneRevision), Compares.absent(keys.spec(task))),
                List.of(Operations.delete(KeyRange.key(keys.done(task))),
                        Operations.put(keys.spec(task), utf8(spec.encode()), 0),
                        Operations.put(keys.state(task), utf8(state.encode()), 0)),
                List.of());
    }

    /** Stores a command for a live task; refused when the task does not exist (or is done). */
    CompletableFuture<TxnResult> sendTaskCommand(TaskId task, String commandKey, TaskCommand command) {
        return etcd.txn(
                List.of(Compares.present(keys.spec(task)), Compares.absent(commandKey)),
                List.of(Operations.put(commandKey, utf8(command.encode()), 0)),
                List.of());
    }

    /** Stores a command for a member, live or not yet started; the key is new. */
    CompletableFuture<TxnResult> sendMemberCommand(String commandKey, MemberCommand command) {
        return etcd.txn(
                List.of(Compares.absent(commandKey)),
                List.of(Operations.put(commandKey, utf8(command.encode()), 0)),
                List.of());
    }

    /**
     * Registers a member on its session lease, unless a live member already uses the id. On
     * refusal the else branch reads the key in the way.
     */
    CompletableFuture<TxnResult> register(String member, MemberRecord record, long lease) {
        String key = keys.member(member);
        return etcd.txn(List.of(Compares.absent(key)),
                List.of(Operations.put(key, utf8(record.encode()), lease)),
                List.of(Operations.get(key)));
    }

    /**
     * Rewrites a member's own record and consumes the command that asked for it. Guarded by the
     * member key's create revision, so a member whose registration expired cannot write it back.
     */
    CompletableFuture<TxnResult> updateMember(String member, long registration, MemberRecord record, long lease,
                                              String commandKey) {
        String key = keys.member(member);
        return etcd.txn(List.of(Compares.createRevisionIs(key, registration)),
                List.of(Operations.put(key, utf8(record.encode()), lease),
                        Operations.delete(KeyRange.key(commandKey))),
                List.of());
    }

    /** Deletes a member's registration, if it is still the one made at {@code registration}. */
    CompletableFuture<TxnResult> deregister(String member, long registration) {
        String key = keys.member(member);
        return etcd.txn(List.of(Compares.createRevisionIs(key, registration)),
                List.of(Operations.delete(KeyRange.key(key))), List.of());
    }

    /** Deletes a consumed command; deleting a key that is already gone is harmless. */
    CompletableFuture<TxnResult> consume(String commandKey) {
        return etcd.txn(List.of(), List.of(Operations.delete(KeyRange.key(commandKey))), List.of());
    }

    /**
     * Claims a task (rules 1 and 2 of {@code docs/architecture.md}): only when it has no owner,
     * exists and is not done, the owner key is written on the member's session lease. The revision
     * of the transaction is the owner key's create revision: the claim token. The then branch also
     * reads the spec and state, so the claimer starts from what it claimed without another read;
     * {@code recordBytes} is what the member expects them to weigh.
     */
    TxnBatcher.Write claim(TaskId task, String member, long lease, int recordBytes) {
        String owner = keys.owner(task);
        return new TxnBatcher.Write(
                List.of(Compares.absent(owner), Compares.present(keys.spec(task)), Compares.absent(keys.done(task))),
                List.of(Operations.put(owner, utf8(member), lease), Operations.get(keys.spec(task)),
                        Operations.get(keys.state(task))),
                List.of(), task.value(), owner.length() + member.length() + recordBytes);
    }

    /**
     * A fenced change made by the holder of claim {@code token}: stores {@code state} (when not
     * null), consumes {@code commandKey} (when not null) and, when {@code release}, deletes the
     * owner key so another member can claim the task.
     */
    TxnBatcher.Write update(TaskId task, long token, TaskState state, String commandKey, boolean release) {
        List<Operation> then = new ArrayList<>(3);
        int bytes = keys.owner(task).length();
        if (state != null) {
            String encoded = state.encode();
            then.add(Operations.put(keys.state(task), utf8(encoded), 0));
            bytes += encoded.length();
        }
        if (commandKey != null) {
            then.add(Operations.delete(KeyRange.key(commandKey)));
            bytes += commandKey.length();
        }
        if (release) {
            then.add(Operations.delete(KeyRange.key(keys.owner(task))));
        }
        return new TxnBatcher.Write(List.of(fence(task, token)), then, List.of(), task.value(), bytes);
    }

    /**
     * Retires a task for good, fenced by the claim: deletes its spec, state and owner and its
     * pending commands, and writes its final state with the spec it was submitted with and the
     * handler's result, if any, as the done record ({@link DoneTask}), all in one revision. A
     * claim racing this transaction needs the spec present and the done record absent, so it
     * can never bring the task back.
     */
    TxnBatcher.Write retire(TaskId task, long token, DoneTask done) {
        String encoded = done.encode();
        return new TxnBatcher.Write(List.of(fence(task, token)),
                List.of(Operations.delete(KeyRange.key(keys.spec(task))),
                        Operations.delete(KeyRange.key(keys.state(task))),
                        Operations.delete(KeyRange.key(keys.owner(task))),
                        Operations.delete(KeyRange.prefix(keys.taskCommandPrefix(task))),
                        Operations.put(keys.done(task), utf8(encoded), 0)),
                List.of(), task.value(), 4 * keys.owner(task).length() + encoded.length());
    }

    /** Reads every record of a task at one revision: how an unknown outcome is resolved. */
    CompletableFuture<RangeResult> readTask(TaskId task) {
        return etcd.range(KeyRange.prefix(keys.taskPrefix(task)));
    }

    /**
     * True when a failed write may nevertheless have been applied: a timeout or a broken
     * connection. Errors the store returns for a request it refused (invalid argument, unknown
     * lease, request too large and the like) mean it was not applied.
     */
    static boolean outcomeUnknown(Throwable error) {
        Throwable cause = Etcd.unwrap(error);
        if (cause instanceof StoreTimeoutException) {
            return true;
        }
        if (cause instanceof EtcdException etcdError) {
            return switch (etcdError.getErrorCode()) {
                case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS,
                        PERMISSION_DENIED, UNAUTHENTICATED, RESOURCE_EXHAUSTED -> false;
                default -> true;
            };
        }
        return true;
    }

    static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
