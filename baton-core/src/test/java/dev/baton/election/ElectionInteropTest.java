package dev.baton.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import dev.baton.testkit.Closer;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Baton and {@code etcdctl elect} (etcd's Go {@code concurrency} package) in one election.
 *
 * <p>"Never both leaders" is checked on two records. In the store: a watch of the election from
 * before the first candidate replays every revision, and the leader (oldest candidate) after each
 * one must change only from one candidate straight to the next, never back. On each side: Baton
 * is elected only after etcdctl was told to stop (SIGTERM makes it resign), and etcdctl prints
 * that it won only after Baton's leadership reported itself lost. Instants are taken in this JVM
 * only; a line's instant is when this JVM read it, which is after etcdctl printed it, so the
 * comparison can only err towards a later etcdctl win, never hide an overlap at the end of
 * Baton's term.
 */
class ElectionInteropTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final Closer resources = new Closer();
    private final List<Process> processes = new ArrayList<>();
    private Etcd direct;
    private String name;
    private LeaderHistory history;

    @BeforeEach
    void connect(TestInfo test) throws Exception {
        direct = resources.add(Etcd.builder().endpoints(ETCD.endpoint()).build());
        name = "interop/" + test.getTestMethod().orElseThrow().getName();
        history = new LeaderHistory();
        long revision = direct.range(KeyRange.prefix(name + "/")).get().revision();
        resources.add(direct.watch(KeyRange.prefix(name + "/"), revision + 1, history));
    }

    /** Runs before the extension closes the resources, so etcdctl processes go first. */
    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process process : processes) {
            stop(process);
        }
    }

    private Member member() {
        Member member = Member.join(ETCD.endpoint(), TTL);
        resources.add(member);
        return member;
    }

    private ProcessLines etcdctl(String... args) {
        Process process = ETCD.process().etcdctlProcess(args);
        processes.add(process);
        return ProcessLines.of(process, "etcdctl");
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void batonWaitsBehindEtcdctlSeesItsValueAndLeadsOnceEtcdctlResigns() throws Exception {
        ProcessLines listener = etcdctl("elect", "--listen", name);
        ProcessLines elected = etcdctl("elect", name, "etcdctl-value");
        elected.await("etcdctl-value"::equals, WAIT);
        Process etcdctlCandidate = processes.get(1);
        Member baton = member();
        Election election = baton.election(name);
        List<Optional<String>> observed = new CopyOnWriteArrayList<>();
        resources.add(election.observe(leader -> observed.add(leader.map(Leader::valueUtf8))));
        Candidacy candidacy = election.campaign("baton-value");

        await().atMost(WAIT).until(() -> observed.contains(Optional.of("etcdctl-value")));
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !candidacy.elected().isDone());

        long terminatedAt = System.nanoTime();
        etcdctlCandidate.destroy();
        Leadership leadership = candidacy.elected().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long electedAt = System.nanoTime();

        assertThat(electedAt).isGreaterThan(terminatedAt);
        assertThat(leadership.isValid()).isTrue();
        listener.await("baton-value"::equals, WAIT);
        await().atMost(WAIT).until(() -> observed.contains(Optional.of("baton-value")));
        assertThat(etcdctlCandidate.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(listener.texts()).containsSubsequence(elected.texts().get(0), "etcdctl-value",
                leadership.key(), "baton-value");
        assertThat(history.leaders()).containsExactly(elected.texts().get(0), leadership.key());
    }

    @Test
    void etcdctlWaitsBehindBatonAndLeadsOnceBatonResignsAndBatonSeesItsValue() throws Exception {
        Member baton = member();
        Election election = baton.election(name);
        Leadership leadership = election.campaign("baton-value", WAIT);
        AtomicLong lostAt = new AtomicLong();
        leadership.lost().thenRun(() -> lostAt.set(System.nanoTime()));
        List<Optional<String>> observed = new CopyOnWriteArrayList<>();
        resources.add(election.observe(leader -> observed.add(leader.map(Leader::valueUtf8))));
        ProcessLines listener = etcdctl("elect", "--listen", name);
        listener.await("baton-value"::equals, WAIT);

        ProcessLines etcdctlCandidate = etcdctl("elect", name, "etcdctl-value");
        await().until(() -> direct.range(KeyRange.prefix(name + "/")).get().kvs().size() == 2);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> etcdctlCandidate.texts().isEmpty());
        assertThat(leadership.isValid()).isTrue();

        leadership.resign().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        ProcessLines.Line won = etcdctlCandidate.await("etcdctl-value"::equals, WAIT);
        assertThat(lostAt.get()).isNotZero().isLessThan(won.readAtNanos());
        listener.await("etcdctl-value"::equals, WAIT);
        await().atMost(WAIT).until(() -> observed.contains(Optional.of("etcdctl-value")));
        assertThat(observed).containsSubsequence(Optional.of("baton-value"), Optional.of("etcdctl-value"));
        assertThat(history.leaders()).containsExactly(leadership.key(), etcdctlCandidate.texts().get(0));

        stop(processes.get(1));
        await().atMost(WAIT).until(() -> observed.get(observed.size() - 1).isEmpty());
    }

    /** The leader after every revision of the election, from a watch of its candidates. */
    private static final class LeaderHistory implements WatchListener {
        private final Map<String, KeyValue> candidates = new HashMap<>();
        private final List<String> leaders = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void onEvents(List<WatchEvent> events) {
            for (WatchEvent event : events) {
                if (event.type() == WatchEvent.Type.PUT) {
                    candidates.put(event.key(), event.kv());
                } else {
                    candidates.remove(event.key());
                }
                CandidateOrder.leader(candidates.values()).map(KeyValue::key).ifPresent(leader -> {
                    if (leaders.isEmpty() || !leaders.get(leaders.size() - 1).equals(leader)) {
                        leaders.add(leader);
                    }
                });
            }
        }

        @Override
        public void onCompacted(long compactRevision) {
            throw new IllegalStateException("nothing compacts the test's etcd, yet the watch reported " + compactRevision);
        }

        /** Each leader once, in the order they led; a leader appearing twice would mean the lead went back. */
        List<String> leaders() {
            return leaders;
        }
    }
}
