package dev.baton.spring.boot;

import dev.baton.session.Session;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskMember;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * {@code baton} in {@code /actuator/info}: the task namespace, the session's lease in hexadecimal
 * and its TTL, the task member's id while it runs, and the names of the elections the application
 * campaigns in. Read from this instance only, never from the store.
 */
public final class BatonInfoContributor implements InfoContributor {
    private final Session session;
    private final TaskClient tasks;
    private final Campaigns campaigns;
    private final TaskMemberLifecycle member;

    /**
     * @param session the member's session
     * @param tasks the client of the namespace's tasks
     * @param campaigns the elections the application campaigns in
     * @param member the application's task member, or null without one
     */
    public BatonInfoContributor(Session session, TaskClient tasks, Campaigns campaigns, TaskMemberLifecycle member) {
        this.session = session;
        this.tasks = tasks;
        this.campaigns = campaigns;
        this.member = member;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> baton = new LinkedHashMap<>();
        baton.put("namespace", tasks.namespace());
        baton.put("lease", Long.toHexString(session.lease()));
        baton.put("ttl", session.ttl().toString());
        if (member != null) {
            member.member().map(TaskMember::id).ifPresent(id -> baton.put("member", id));
        }
        baton.put("elections", campaigns.names());
        builder.withDetail("baton", baton);
    }
}
