package dev.baton.tasks;

import dev.baton.etcd.Guard;
import dev.baton.etcd.Operation;
import java.util.List;
import java.util.Objects;

/**
 * A withdrawal of an unclaimed task as parts of the caller's own transaction
 * ({@link TaskClient#withdrawOperations}): the guards hold while the task has no owner and no done
 * record, so a task a member has claimed (or that ran) is never withdrawn; the writes delete its
 * records and pending commands.
 *
 * @param guards   the compares: owner absent and done record absent
 * @param writes   the deletes of the task's records and commands
 * @param ownerKey the task's owner key, to read back whether a member claimed it when the guards fail
 * @param doneKey  the task's done key
 */
public record WithdrawOperations(List<Guard> guards, List<Operation> writes, String ownerKey, String doneKey) {

    public WithdrawOperations {
        guards = List.copyOf(guards);
        writes = List.copyOf(writes);
        Objects.requireNonNull(ownerKey, "ownerKey");
        Objects.requireNonNull(doneKey, "doneKey");
    }
}
