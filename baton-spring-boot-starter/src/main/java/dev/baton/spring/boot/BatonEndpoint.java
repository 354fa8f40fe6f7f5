package dev.baton.spring.boot;

import dev.baton.election.Leader;
import dev.baton.election.LeaderService;
import dev.baton.election.Leadership;
import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.tasks.MemberInfo;
import dev.baton.tasks.TaskClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/baton}: what this instance and its namespace look like in the store, read when
 * asked. The session, the task member's id, each election the application campaigns in with its
 * current leader, the live members of the namespace (the first {@value #MEMBERS_SHOWN} by id, and
 * how many there are), and how many of the namespace's tasks are in each status. Neither the answer's
 * size nor its cost grows with the tasks: the counts are kept from a watch of the namespace's tasks,
 * which the endpoint reads once when it is created and follows until it is closed.
 */
@Endpoint(id = "baton")
public final class BatonEndpoint implements AutoCloseable {
    /** The most members the answer lists; {@code members.total} counts them all. */
    public static final int MEMBERS_SHOWN = 100;

    private final BatonInstance instance;
    private final TaskCounts taskCounts;

    /** Reads the tasks of the instance's namespace once, to count them from then on. */
    public BatonEndpoint(BatonInstance instance) {
        this.instance = instance;
        this.taskCounts = new TaskCounts(instance.session().etcd(), instance.tasks().namespace());
    }

    @ReadOperation
    public Report report() {
        Session session = instance.session();
        TaskClient tasks = instance.tasks();
        return new Report(tasks.namespace(), instance.memberId().orElse(null),
                new SessionView(session.state().name(), instance.lease(), session.ttl().toString()),
                instance.campaigns().names().stream().map(this::election).toList(),
                members(tasks.members()),
                taskCounts.byStatus());
    }

    private ElectionView election(String name) {
        Optional<LeaderService> service = instance.campaigns().running(name);
        Optional<Leadership> leadership = service.flatMap(LeaderService::leadership);
        Optional<Leader> leader = service.flatMap(running -> Etcd.join(running.election().leader()
                .orTimeout(instance.session().etcd().requestTimeout().toMillis(), TimeUnit.MILLISECONDS)));
        return new ElectionView(name, service.map(running -> running.election().prefix()).orElse(null),
                leadership.isPresent(), leadership.map(Leadership::token).orElse(null),
                leader.map(Leader::valueUtf8).orElse(null), leader.map(l -> Long.toHexString(l.lease())).orElse(null));
    }

    private static Members members(List<MemberInfo> members) {
        return new Members(members.size(), members.stream().limit(MEMBERS_SHOWN)
                .map(m -> new MemberView(m.id(), Long.toHexString(m.lease()), m.frozen(), m.tasks().size()))
                .toList());
    }

    /**
     * The endpoint's answer.
     *
     * @param namespace the task namespace ({@code baton.namespace})
     * @param member this instance's task member id, or null without a running task member
     * @param session this instance's session
     * @param elections each election the application campaigns in, by name
     * @param members the namespace's live members
     * @param tasks the number of tasks in each status, by its lower-case name, every status listed; under
     *              "undecodable" the tasks whose records do not decode
     */
    public record Report(String namespace, String member, SessionView session, List<ElectionView> elections,
            Members members, Map<String, Long> tasks) {
    }

    /** Stops following the namespace's tasks. */
    @Override
    public void close() {
        taskCounts.close();
    }

    /** The session's state, its lease in hexadecimal and its TTL. */
    public record SessionView(String state, String lease, String ttl) {
    }

    /**
     * One election.
     *
     * @param name the election's name ({@code @LeaderOnly}'s, or the leader service's bean name)
     * @param prefix its key prefix, while the context is started
     * @param leading whether this instance leads it
     * @param token this instance's fencing token while it leads, else null
     * @param leader the value the current leader campaigns with, or null when nobody leads (or the context is not started)
     * @param leaderLease the current leader's lease in hexadecimal, or null
     */
    public record ElectionView(String name, String prefix, boolean leading, Long token, String leader,
            String leaderLease) {
    }

    /** How many live members there are, and the first {@value BatonEndpoint#MEMBERS_SHOWN} of them by id. */
    public record Members(int total, List<MemberView> shown) {
    }

    /** One live member: its id, lease in hexadecimal, whether it is frozen, and how many claims it holds. */
    public record MemberView(String id, String lease, boolean frozen, int claims) {
    }
}
