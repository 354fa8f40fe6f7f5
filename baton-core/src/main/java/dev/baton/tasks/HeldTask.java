package dev.baton.tasks;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A task a member holds, as the member sees it.
 *
 * @param id         the task
 * @param claimToken the claim token: the create revision of the owner key
 * @param claimedAt  when this member claimed it (its clock)
 * @param state      the task's state as last persisted; {@code state.since()} says since when
 * @param running    whether a handler is running it now; false while a task claimed ahead of its
 *                   not-before waits for that instant, and while its handler waits for a place
 *                   among the member's running handlers (a task claimed ahead by count)
 * @param stopping   why its handler was asked to stop, while it is stopping
 */
public record HeldTask(TaskId id, long claimToken, Instant claimedAt, TaskState state, boolean running,
                       Optional<StopReason> stopping) {

    public HeldTask {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(claimedAt, "claimedAt");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stopping, "stopping");
    }
}
