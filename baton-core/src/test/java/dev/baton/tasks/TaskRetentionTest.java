package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.election.Election;
import dev.baton.election.LeaderService;
import dev.baton.election.Leadership;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.session.Session;
import dev.baton.tasks.RetentionPolicy.DoneRecord;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TaskRetention} against real etcd, ages on a test clock. */
class TaskRetentionTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Instant NOW = Instant.parse("2030-05-01T12:00:00Z");

    private Etcd etcd;
    private Session session;
    private String namespace;
    private TestClock clock;
    private TaskClient client;

    @BeforeEach
    void connect() {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        session = Session.builder(etcd).ttl(Duration.ofSeconds(10)).open();
        namespace = "retention-" + UUID.randomUUID() + "/";
        clock = new TestClock(NOW);
        client = TaskClient.create(etcd, namespace, clock);
    }

    @AfterEach
    void disconnect() {
        session.close();
        etcd.close();
    }

    private Leadership lead(Session on) throws Exception {
        return Election.on(on, namespace + "leader").campaign("sweeper", Duration.ofSeconds(10));
    }

    private TaskRetention retention(RetentionPolicy policy) {
        return TaskRetention.create(etcd, namespace, policy, clock);
    }

    /** Writes the done record of a task that completed {@code ago} before the clock's now, as a retiring member does. */
    private void finished(String id, Duration ago) throws Exception {
        TaskState completed = TaskState.of(TaskStatus.COMPLETED, clock.instant().minus(ago), 0, null, null, null);
        etcd.put(namespace + "tasks/" + id + "/done", completed.encode().getBytes(StandardCharsets.UTF_8), 0).get();
    }

    private List<String> doneIds() {
        return client.list().stream().filter(TaskInfo::done).map(info -> info.id().value()).toList();
    }

    private List<String> liveIds() {
        return client.list().stream().filter(info -> !info.done()).map(info -> info.id().value()).toList();
    }

    @Test
    void removesOnlyDoneRecordsOlderThanTheAgeAndNeverALiveTask() throws Exception {
        finished("old-1", Duration.ofHours(3));
        finished("old-2", Duration.ofHours(2));
        finished("young", Duration.ofMinutes(30));
        client.submit(TaskId.of("live"), TaskProperties.empty());
        client.submit(TaskId.of("queued"), TaskProperties.empty(), NOW.plus(Duration.ofDays(1)));
        etcd.put(namespace + "tasks/garbled/done", "{not json".getBytes(StandardCharsets.UTF_8), 0).get();

        int removed = retention(RetentionPolicy.defaults().withMaxAge(Duration.ofHours(1))).sweep(lead(session));

        assertThat(removed).isEqualTo(2);
        assertThat(doneIds()).containsExactlyInAnyOrder("young", "garbled");
        assertThat(liveIds()).containsExactlyInAnyOrder("live", "queued");
        assertThat(etcd.range(KeyRange.prefix(namespace + "tasks/live/")).get().kvs())
                .extracting(KeyValue::key).containsExactly(namespace + "tasks/live/spec");
    }

    @Test
    void keepsAtMostTheCountRemovingTheOldestFirstAcrossManyTransactions() throws Exception {
        for (int i = 0; i < 300; i++) {
            finished(String.format("t%03d", i), Duration.ofMinutes(1000 - i));
        }
        client.submit(TaskId.of("live"), TaskProperties.empty());

        int removed = retention(RetentionPolicy.defaults().withMaxCount(40)).sweep(lead(session));

        assertThat(removed).isEqualTo(260);
        assertThat(doneIds()).hasSize(40).allMatch(id -> Integer.parseInt(id.substring(1)) >= 260);
        assertThat(liveIds()).containsExactly("live");
    }

    @Test
    void theClockDecidesTheAge() throws Exception {
        finished("a", Duration.ZERO);
        TaskRetention retention = retention(RetentionPolicy.defaults().withMaxAge(Duration.ofHours(1)));
        Leadership leadership = lead(session);

        assertThat(retention.sweep(leadership)).isZero();
        clock.advance(Duration.ofMinutes(61));
        assertThat(retention.sweep(leadership)).isOne();
        assertThat(doneIds()).isEmpty();
    }

    @Test
    void runsAsALeaderServicePeriodicAction() throws Exception {
        finished("old", Duration.ofDays(2));
        finished("recent", Duration.ofMinutes(1));
        TaskRetention retention = retention(RetentionPolicy.defaults());

        try (LeaderService service = LeaderService.builder(session, namespace + "leader", "sweeper")
                .periodic(retention.policy().sweepPeriod(), retention::sweep)
                .start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> doneIds().equals(List.of("recent")));
        }
    }

    @Test
    void aDeposedLeadersSweepRemovesNothing() throws Exception {
        finished("old", Duration.ofDays(2));
        TaskRetention retention = retention(RetentionPolicy.defaults());
        Leadership deposed = lead(session);
        List<DoneRecord> expired = retention.decide();
        etcd.delete(KeyRange.key(deposed.key())).get();
        try (Session other = Session.builder(etcd).ttl(Duration.ofSeconds(10)).open()) {
            Leadership successor = lead(other);
            assertThat(successor.token()).isGreaterThan(deposed.token());

            assertThat(retention.remove(expired, deposed.key(), deposed.token())).isZero();
            assertThat(retention.sweep(deposed)).isZero();
            assertThat(doneIds()).containsExactly("old");

            assertThat(retention.sweep(successor)).isOne();
            assertThat(doneIds()).isEmpty();
        }
    }

    @Test
    void aRecordThatChangedSinceTheDecisionIsNotRemoved() throws Exception {
        finished("again", Duration.ofDays(2));
        finished("resubmitted", Duration.ofDays(2));
        TaskRetention retention = retention(RetentionPolicy.defaults());
        Leadership leadership = lead(session);
        List<DoneRecord> expired = retention.decide();
        assertThat(expired).extracting(r -> r.id().value()).containsExactlyInAnyOrder("again", "resubmitted");

        client.delete(TaskId.of("again"));
        finished("again", Duration.ZERO);
        client.delete(TaskId.of("resubmitted"));
        client.submit(TaskId.of("resubmitted"), TaskProperties.empty());

        assertThat(retention.remove(expired, leadership.key(), leadership.token())).isZero();
        assertThat(doneIds()).containsExactly("again");
        assertThat(liveIds()).containsExactly("resubmitted");
    }
}
