package dev.baton.chaos.history;

import java.util.Objects;
import java.util.Optional;

/**
 * A submitted task and how it ended, read from the store at the end of a run.
 *
 * @param id           the task id
 * @param doneStatus   the status of its done record (completed, failed, killed); empty while not done
 * @param doneRevision the create revision of its done record; 0 while not done
 */
public record TaskRecord(String id, Optional<String> doneStatus, long doneRevision) {

    public TaskRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(doneStatus, "doneStatus");
    }

    public static TaskRecord pending(String id) {
        return new TaskRecord(id, Optional.empty(), 0);
    }

    public static TaskRecord done(String id, String status, long revision) {
        return new TaskRecord(id, Optional.of(status), revision);
    }
}
