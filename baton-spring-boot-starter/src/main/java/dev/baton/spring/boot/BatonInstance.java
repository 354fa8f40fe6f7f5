package dev.baton.spring.boot;

import dev.baton.session.Session;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskMember;
import java.util.Objects;
import java.util.Optional;

/**
 * This application instance's part in Baton, as the health, the info, the endpoint and the meters
 * show it.
 *
 * @param session the member's session
 * @param tasks the client of the namespace's tasks
 * @param campaigns the elections the application campaigns in
 * @param member the application's task member, or null without one
 */
public record BatonInstance(Session session, TaskClient tasks, Campaigns campaigns, TaskMemberLifecycle member) {
    public BatonInstance {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(campaigns, "campaigns");
    }

    /** The task member's id while it runs. */
    public Optional<String> memberId() {
        return member == null ? Optional.empty() : member.member().map(TaskMember::id);
    }

    /** The session's lease in hexadecimal, as {@code etcdctl lease list} prints it. */
    public String lease() {
        return Long.toHexString(session.lease());
    }
}
