package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Members on a real etcd for one test: each with its own connection and a short-TTL session, in
 * a fresh namespace, closed (in reverse order) with the fleet.
 */
final class LiveFleet implements AutoCloseable {

    static final Duration TTL = Duration.ofSeconds(2);

    private final String endpoint;
    private final String namespace;
    private final Etcd etcd;
    private final TaskClient client;
    private final Map<String, TaskMember> members = new LinkedHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    LiveFleet(String endpoint, String name) {
        this.endpoint = endpoint;
        this.namespace = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "/";
        this.etcd = connect();
        this.client = TaskClient.create(etcd, namespace);
    }

    String namespace() {
        return namespace;
    }

    Etcd etcd() {
        return etcd;
    }

    TaskClient client() {
        return client;
    }

    /** A new connection, warmed up so the first session does not start on a cold channel. */
    Etcd connect() {
        Etcd connection = Etcd.builder().endpoints(endpoint).build();
        connection.get(namespace).join();
        resources.add(connection);
        return connection;
    }

    /** Starts a member on its own connection and session; {@code options} adjusts the builder. */
    TaskMember start(String id, UnaryOperator<TaskMemberBuilder> options) {
        Session session = Session.builder(connect()).ttl(TTL).open();
        resources.add(session);
        TaskMember member = options.apply(TaskMember.builder(session, id).namespace(namespace)
                .releaseHoldOff(Duration.ofSeconds(1)).stopTimeout(Duration.ofSeconds(5))).start();
        members.put(id, member);
        return member;
    }

    TaskMember member(String id) {
        return members.get(id);
    }

    /** Closes one member gracefully, then its session. */
    void stop(String id) {
        TaskMember member = members.remove(id);
        member.close();
        member.session().close();
    }

    List<TaskMember> members() {
        return List.copyOf(members.values());
    }

    /** Submits {@code count} tasks named {@code prefix-00000}, ... with empty properties. */
    List<TaskId> submit(String prefix, int count) {
        List<TaskId> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            TaskId id = TaskId.of(String.format("%s-%05d", prefix, i));
            client.submit(id, TaskProperties.empty());
            ids.add(id);
        }
        return ids;
    }

    /** How many tasks each live member holds according to the store. */
    Map<String, Integer> holdings() {
        Map<String, Integer> held = new LinkedHashMap<>();
        for (MemberInfo member : client.members()) {
            held.put(member.id(), member.tasks().size());
        }
        return held;
    }

    @Override
    public void close() {
        List<TaskMember> running = new ArrayList<>(members.values());
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + resources.get(i), e);
            }
        }
    }
}
