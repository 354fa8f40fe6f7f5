package dev.baton.tasks;

import dev.baton.etcd.Guard;
import dev.baton.etcd.Operation;
import java.util.List;
import java.util.Objects;

/**
 * A submit as parts of the caller's own transaction ({@link TaskClient#submitOperations}): a
 * recipe that records something in the same write as the task it creates (a scheduler storing its
 * fire time, fenced by its leadership) puts {@link #guards()} with its own compares and
 * {@link #writes()} with its own puts. The guards hold when neither the task nor a done record
 * of its id exists, as for {@link TaskClient#submit}.
 *
 * @param guards  the compares: spec absent and done record absent
 * @param writes  the put of the task's spec (a new task has no state record: it is runnable)
 * @param specKey the task's spec key, to read back who is in the way when the guards fail
 * @param doneKey the task's done key
 */
public record SubmitOperations(List<Guard> guards, List<Operation> writes, String specKey, String doneKey) {

    public SubmitOperations {
        guards = List.copyOf(guards);
        writes = List.copyOf(writes);
        Objects.requireNonNull(specKey, "specKey");
        Objects.requireNonNull(doneKey, "doneKey");
    }
}
