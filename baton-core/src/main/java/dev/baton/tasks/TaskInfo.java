package dev.baton.tasks;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task as a listing shows it, read at one store revision. A task whose stored records do
 * not decode is listed with what could be read and a {@link #problems() problem} per bad record;
 * it is never dropped from the listing, and members leave it alone.
 *
 * @param id         the task id
 * @param properties the task's properties, empty when its spec is missing or corrupt
 * @param submitted  when it was submitted (the submitter's clock)
 * @param notBefore  the instant before which no handler starts it (a member may claim it up to its
 *                   claim window earlier)
 * @param options    its timeout, retry policy and priority, empty when its spec is missing or corrupt
 * @param owner      the member holding the claim and the claim token, when claimed
 * @param state      the persisted state; for a done task, its final state
 * @param done       true once the task has been retired (completed, failed or killed)
 * @param result     what the handler gave when it completed the task, if it set a result
 * @param problems   one message per stored record that does not decode; empty when valid
 */
public record TaskInfo(TaskId id, Optional<TaskProperties> properties, Optional<Instant> submitted,
                       Optional<Instant> notBefore, Optional<TaskOptions> options, Optional<TaskOwner> owner,
                       Optional<TaskState> state, boolean done, Optional<TaskResult> result, List<String> problems) {

    public TaskInfo {
        Objects.requireNonNull(id, "id");
        problems = List.copyOf(problems);
    }

    /** True when every stored record of the task decodes. */
    public boolean valid() {
        return problems.isEmpty();
    }

    /** The status of the task, when its state could be read. */
    public Optional<TaskStatus> status() {
        return state.map(TaskState::status);
    }

    /** When the task entered its current status, when its state could be read. */
    public Optional<Instant> since() {
        return state.map(TaskState::since);
    }
}
