package dev.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.election.LeaderService;
import dev.baton.etcd.Etcd;
import dev.baton.schedule.Scheduler;
import dev.baton.session.Session;
import dev.baton.tasks.MemberCommand;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskRetention;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One worker of a fleet: a session, the task member that runs command tasks on it, its record
 * under {@code workers/} (zone, limits, dashboard address) bound to the session's lease, and a
 * candidacy in the fleet's leader election; the leader removes the done records of finished tasks
 * by the worker's retention policy ({@link TaskRetention}). Every worker is also a candidate of the
 * schedules' election ({@link Scheduler}, {@code <ns>scheduler}); the one elected fires the
 * namespace's schedules.
 */
final class Worker implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Etcd etcd;
    private final Session session;
    private final TaskMember member;
    private final LeaderService leader;
    private final Scheduler scheduler;
    private final WorkerSettings settings;
    private final TaskClient client;
    private volatile boolean closed;

    private Worker(Etcd etcd, Session session, TaskMember member, LeaderService leader, Scheduler scheduler,
                   WorkerSettings settings, TaskClient client) {
        this.etcd = etcd;
        this.session = session;
        this.member = member;
        this.leader = leader;
        this.scheduler = scheduler;
        this.settings = settings;
        this.client = client;
    }

    /**
     * Joins the fleet of {@code namespace} (ending in {@code /}) on {@code etcd}, which the worker
     * owns from now on and closes on {@link #close()}.
     */
    static Worker start(Etcd etcd, String namespace, WorkerSettings settings, FleetMetrics metrics) {
        Session session = null;
        TaskMember member = null;
        LeaderService leader = null;
        try {
            session = Session.builder(etcd).ttl(settings.ttl()).open();
            etcd.put(FleetKeys.worker(namespace, settings.name()), record(settings), session.lease())
                    .get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            member = TaskMember.builder(session, settings.name())
                    .namespace(namespace)
                    .handler(new CommandTaskHandler(namespace, metrics))
                    .maxConcurrentTasks(settings.maxTasks())
                    .start();
            TaskClient client = TaskClient.create(etcd, namespace);
            TaskRetention retention = TaskRetention.create(etcd, namespace, settings.retention());
            leader = LeaderService.builder(session, FleetKeys.election(namespace), settings.name())
                    .periodic(settings.retention().sweepPeriod(), retention::sweep)
                    .start();
            Scheduler scheduler = Scheduler.builder(session, namespace, settings.name()).start();
            return new Worker(etcd, session, member, leader, scheduler, settings, client);
        } catch (Exception e) {
            if (leader != null) {
                leader.close();
            }
            if (member != null) {
                member.close();
            }
            if (session != null) {
                session.close();
            }
            etcd.close();
            throw new CommandFailure("worker " + settings.name() + " could not join: " + Etcd.unwrap(e).getMessage(), e);
        }
    }

    private static byte[] record(WorkerSettings settings) {
        ObjectNode node = JSON.createObjectNode().put("zone", settings.zone()).put("maxTasks", settings.maxTasks());
        settings.http().ifPresent(http -> node.put("http", http));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    String name() {
        return settings.name();
    }

    Session session() {
        return session;
    }

    TaskMember member() {
        return member;
    }

    boolean isLeader() {
        return leader.isLeader();
    }

    /**
     * The graceful exit (SIGTERM): stops claiming, lets running tasks finish for up to the grace
     * period, then closes, which releases what still runs and revokes the lease.
     */
    void drain() throws InterruptedException {
        client.send(settings.name(), MemberCommand.freeze());
        long deadline = System.nanoTime() + settings.grace().toNanos();
        while (!member.status().tasks().isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
        }
        close();
    }

    /**
     * Leaves as a crash looks to the store: the connection is dropped first, so nothing is
     * released, deregistered or revoked; the session's lease expires after its TTL and the others
     * take the tasks over then. Local handlers are stopped.
     */
    void crash() {
        closed = true;
        etcd.close();
        scheduler.close();
        leader.close();
        member.close();
        session.close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.close();
        leader.close();
        member.close();
        session.close();
        etcd.close();
    }
}
