package dev.baton.tasks;

import java.util.List;

/**
 * What a {@link TaskClient#submitAll batch submit} did with each task it was given: every id is
 * in exactly one of the two lists, each list in the order the tasks were given.
 *
 * @param submitted  the tasks this call stored
 * @param duplicates the tasks refused because the id was taken: a task with the id existed, or a
 *                   done record of a task with the id had not been deleted; nothing was written
 *                   for them
 */
public record SubmitAllResult(List<TaskId> submitted, List<TaskId> duplicates) {

    public SubmitAllResult {
        submitted = List.copyOf(submitted);
        duplicates = List.copyOf(duplicates);
    }

    /** True when no task was refused. */
    public boolean allSubmitted() {
        return duplicates.isEmpty();
    }
}
