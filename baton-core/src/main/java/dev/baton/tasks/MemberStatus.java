package dev.baton.tasks;

import dev.baton.session.SessionState;
import java.util.List;
import java.util.Objects;

/**
 * A member's own account of itself, taken at one moment on its control thread.
 *
 * @param member   the member id
 * @param session  the state of its session
 * @param frozen   whether it has stopped claiming
 * @param tasks    the tasks it holds, in id order
 * @param rejected the most recent commands it refused (unknown, malformed, not applicable), oldest first
 * @param sessionLosses how many times its session was lost while it was a member
 */
public record MemberStatus(String member, SessionState session, boolean frozen, List<HeldTask> tasks,
                           List<RejectedCommand> rejected, int sessionLosses) {

    public MemberStatus {
        Objects.requireNonNull(member, "member");
        tasks = List.copyOf(tasks);
        rejected = List.copyOf(rejected);
    }
}
