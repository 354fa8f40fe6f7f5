package dev.baton.tasks;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One task of a {@link TaskClient#submitAll batch submit}: what {@link TaskClient#submit} takes
 * as arguments.
 *
 * @param id         the task's id
 * @param properties the task's properties
 * @param notBefore  the instant before which no handler starts the task (a member may claim it up
 *                   to its {@linkplain TaskMemberBuilder#claimWindow claim window} earlier and
 *                   hold it until then); empty: at once
 * @param options    the task's timeout, retry policy and priority
 */
public record TaskSubmission(TaskId id, TaskProperties properties, Optional<Instant> notBefore, TaskOptions options) {

    public TaskSubmission {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(options, "options");
    }

    /** A task that may be claimed at once, with the default options. */
    public static TaskSubmission of(TaskId id, TaskProperties properties) {
        return new TaskSubmission(id, properties, Optional.empty(), TaskOptions.defaults());
    }

    /** A task whose handler no member starts before {@code notBefore}, with the default options. */
    public static TaskSubmission of(TaskId id, TaskProperties properties, Instant notBefore) {
        return new TaskSubmission(id, properties, Optional.of(Objects.requireNonNull(notBefore, "notBefore")),
                TaskOptions.defaults());
    }

    /** This task with {@code options}. */
    public TaskSubmission withOptions(TaskOptions options) {
        return new TaskSubmission(id, properties, notBefore, options);
    }
}
