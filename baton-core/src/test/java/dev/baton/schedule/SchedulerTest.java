package dev.baton.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskInfo;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskMemberBuilder;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import dev.baton.testkit.TestClock;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@link Scheduler} against real etcd: misfire policies after an outage of the whole fleet
 * and after a pause (on a test clock, so which fire times are missed is exact), exactly one task
 * per fire time across a leader's crash and across a leader frozen past its TTL (its connection
 * held by a proxy, as a SIGSTOP holds a process) that thaws afterwards, and a fixed delay that
 * waits for the previous run.
 */
class SchedulerTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration THRESHOLD = Duration.ofSeconds(30);
    private static final TaskId AHEAD = TaskId.of("ahead@" + T0.plusSeconds(60));

    private final List<AutoCloseable> opened = new ArrayList<>();
    private String namespace;
    private Etcd etcd;
    private TaskClient tasks;

    @BeforeEach
    void connect() {
        namespace = "scheduler-" + UUID.randomUUID() + "/";
        etcd = connection();
        tasks = TaskClient.create(etcd, namespace);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private Etcd connection() {
        // Generous for a loaded machine: no test here waits for a request to time out.
        Etcd connection = Etcd.builder().endpoints(ETCD.endpoint()).requestTimeout(Duration.ofSeconds(5)).build();
        opened.add(connection);
        return connection;
    }

    private Session session(Etcd on, Duration ttl) {
        Session session = Session.builder(on).ttl(ttl).open();
        opened.add(session);
        await().atMost(Duration.ofSeconds(10)).until(session::isValid);
        return session;
    }

    private Scheduler scheduler(Session session, String member, Clock clock) {
        return scheduler(Scheduler.builder(session, namespace, member).clock(clock));
    }

    private Scheduler scheduler(Scheduler.Builder builder) {
        Scheduler scheduler = builder.misfireThreshold(THRESHOLD).start();
        opened.add(scheduler);
        return scheduler;
    }

    /**
     * A schedule firing every minute from T0, its scheduler 10 s ahead of it at T0 + 55 s on
     * {@code clock}: the task of the first fire time is created ahead.
     */
    private TaskInfo taskCreatedAhead(TestClock clock, Schedules schedules) {
        schedules.create("ahead", new Trigger.FixedRate(Duration.ofMinutes(1)), MisfirePolicy.fireOnce(),
                TaskProperties.parse("{\"v\":1}"));
        clock.advance(Duration.ofSeconds(55));
        scheduler(Scheduler.builder(session(etcd, Duration.ofSeconds(5)), namespace, "only").clock(clock)
                .lead(Duration.ofSeconds(10)));
        return await().atMost(Duration.ofSeconds(15)).until(() -> tasks.get(AHEAD), Optional::isPresent).orElseThrow();
    }


    /** The fire times of the tasks schedule {@code name} created, by task id. */
    private List<Instant> fireTimes(String name) {
        return tasks.list().stream().map(info -> info.id().value())
                .filter(id -> id.startsWith(name + "@"))
                .map(id -> Instant.parse(id.substring(name.length() + 1)))
                .sorted().toList();
    }

    private static Instant t(String offset) {
        return T0.plus(Duration.parse("PT" + offset));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fire-once  | 9M,10M
            skip       | 10M
            catch-up:3 | 7M,8M,9M,10M
            """)
    void missedFireTimesAfterAnOutageOfTheWholeFleetFollowTheMisfirePolicy(String policy, String expected) {
        TestClock clock = new TestClock(T0);
        Schedules.create(etcd, namespace, clock).create("minutely", new Trigger.FixedRate(Duration.ofMinutes(1)),
                MisfirePolicy.parse(policy), TaskProperties.empty());
        clock.advance(Duration.ofMinutes(10).plusSeconds(10));

        Scheduler scheduler = scheduler(session(etcd, Duration.ofSeconds(5)), "only", clock);

        List<Instant> wanted = Arrays.stream(expected.split(",")).map(SchedulerTest::t).toList();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(fireTimes("minutely")).isEqualTo(wanted));
        assertThat(Schedules.create(etcd, namespace).get("minutely").orElseThrow().lastFire()).contains(t("10M"));
        assertThat(scheduler.isLeader()).isTrue();
    }

    @Test
    void theTasksOfAFireCarryTheTemplatesOptions() {
        TestClock clock = new TestClock(T0);
        TaskOptions options = TaskOptions.defaults().withPriority(6).withTimeout(Duration.ofMinutes(3));
        Schedules.create(etcd, namespace, clock).create("urgent", new Trigger.FixedRate(Duration.ofMinutes(1)),
                MisfirePolicy.fireOnce(), TaskProperties.empty(), options);
        clock.advance(Duration.ofSeconds(61));

        scheduler(session(etcd, Duration.ofSeconds(5)), "only", clock);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(fireTimes("urgent")).containsExactly(t("1M")));
        assertThat(tasks.get(TaskId.of("urgent@" + t("1M"))).orElseThrow().options()).contains(options);
    }

    @Test
    void aPausedScheduleCreatesNothingAndOnResumeItsMisfirePolicyDecides() {
        TestClock clock = new TestClock(T0);
        Schedules schedules = Schedules.create(etcd, namespace, clock);
        Trigger minutely = new Trigger.FixedRate(Duration.ofMinutes(1));
        schedules.create("paused", minutely, MisfirePolicy.fireOnce(), TaskProperties.empty());
        schedules.create("witness", minutely, MisfirePolicy.fireOnce(), TaskProperties.empty());
        clock.advance(Duration.ofSeconds(61));
        scheduler(session(etcd, Duration.ofSeconds(5)), "only", clock);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(fireTimes("paused")).containsExactly(t("1M"));
            assertThat(fireTimes("witness")).containsExactly(t("1M"));
        });

        schedules.pause("paused");
        clock.advance(Duration.ofMinutes(5));
        schedules.update("witness", minutely, MisfirePolicy.fireOnce(), TaskProperties.empty(), TaskOptions.defaults());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(fireTimes("witness")).containsExactly(t("1M"), t("5M"), t("6M")));
        assertThat(fireTimes("paused")).containsExactly(t("1M"));

        schedules.resume("paused");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(fireTimes("paused")).containsExactly(t("1M"), t("5M"), t("6M")));
    }

    @Test
    void aTaskIsCreatedUpToTheLeadBeforeItsFireTimeWithItAsItsNotBefore() {
        TestClock clock = new TestClock(T0);

        TaskInfo task = taskCreatedAhead(clock, Schedules.create(etcd, namespace, clock));

        assertThat(task.submitted()).contains(T0.plusSeconds(55));
        assertThat(task.notBefore()).contains(t("1M"));
        assertThat(Schedules.create(etcd, namespace).get("ahead").orElseThrow().nextFireTimes(clock.instant(), 2))
                .as("the fire time created ahead is still a next fire time").containsExactly(t("1M"), t("2M"));
    }

    @Test
    void theDefaultLeadCreatesATaskBeforeTheMembersDefaultClaimWindowOpens() {
        assertThat(Scheduler.DEFAULT_LEAD).isGreaterThan(TaskMemberBuilder.DEFAULT_CLAIM_WINDOW);
        assertThat(Scheduler.DEFAULT_LEAD.minus(TaskMemberBuilder.DEFAULT_CLAIM_WINDOW).toMillis() % 1_000)
                .as("the writes for whole seconds leave half-way between two claim instants").isEqualTo(500);
    }

    @Test
    void aPauseWithdrawsAnUnclaimedTaskCreatedAheadAndTheResumeFiresItAgain() {
        TestClock clock = new TestClock(T0);
        Schedules schedules = Schedules.create(etcd, namespace, clock);
        taskCreatedAhead(clock, schedules);

        schedules.pause("ahead");

        assertThat(tasks.get(AHEAD)).isEmpty();
        assertThat(schedules.get("ahead").orElseThrow().lastFire()).as("moved back before the withdrawn fire time").isEmpty();
        schedules.resume("ahead");
        await().atMost(Duration.ofSeconds(15)).until(() -> tasks.get(AHEAD).isPresent());
        assertThat(fireTimes("ahead")).containsExactly(t("1M"));
    }

    @Test
    void anUpdateWithdrawsAnUnclaimedTaskCreatedAheadAndItFiresWithTheNewProperties() {
        TestClock clock = new TestClock(T0);
        Schedules schedules = Schedules.create(etcd, namespace, clock);
        taskCreatedAhead(clock, schedules);
        TaskProperties updated = TaskProperties.parse("{\"v\":2}");

        schedules.update("ahead", new Trigger.FixedRate(Duration.ofMinutes(1)), MisfirePolicy.fireOnce(), updated,
                TaskOptions.defaults());

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(tasks.get(AHEAD).flatMap(TaskInfo::properties)).contains(updated));
    }

    @Test
    void aDeleteWithdrawsAnUnclaimedTaskCreatedAhead() {
        TestClock clock = new TestClock(T0);
        Schedules schedules = Schedules.create(etcd, namespace, clock);
        taskCreatedAhead(clock, schedules);

        assertThat(schedules.delete("ahead")).isTrue();

        assertThat(tasks.get(AHEAD)).isEmpty();
        assertThat(schedules.get("ahead")).isEmpty();
    }

    @Test
    void aTaskCreatedAheadThatAMemberClaimedStaysThroughAPause() throws Exception {
        TestClock clock = new TestClock(T0);
        Schedules schedules = Schedules.create(etcd, namespace, clock);
        CountDownLatch release = new CountDownLatch(1);
        // The member runs on the system clock, on which the fire time is long past: it claims at once.
        opened.add(TaskMember.builder(session(etcd, Duration.ofSeconds(5)), "worker").namespace(namespace)
                .handler(context -> release.await()).start());
        opened.add(release::countDown);
        taskCreatedAhead(clock, schedules);
        await().atMost(Duration.ofSeconds(15)).until(() -> tasks.get(AHEAD).flatMap(TaskInfo::owner).isPresent());

        schedules.pause("ahead");

        assertThat(tasks.get(AHEAD)).isPresent();
        assertThat(schedules.get("ahead").orElseThrow().lastFire()).contains(t("1M"));
    }

    @Test
    void everyFireTimeBecomesExactlyOneTaskAcrossALeaderCrash() {
        Map<String, Etcd> connections = new TreeMap<>();
        Map<String, Scheduler> schedulers = new TreeMap<>();
        for (String member : List.of("a", "b", "c")) {
            Etcd connection = connection();
            connections.put(member, connection);
            schedulers.put(member, scheduler(session(connection, Duration.ofSeconds(2)), member, Clock.systemUTC()));
        }
        Instant created = Schedules.create(etcd, namespace).create("tick", new Trigger.FixedRate(Duration.ofSeconds(1)),
                MisfirePolicy.skip(), TaskProperties.empty()).anchor();
        await().atMost(Duration.ofSeconds(15)).until(() -> fireTimes("tick").size() >= 2);

        String leader = schedulers.entrySet().stream().filter(e -> e.getValue().isLeader()).findFirst().orElseThrow().getKey();
        connections.get(leader).close();
        Instant crashed = Instant.now();
        await().atMost(Duration.ofSeconds(20)).until(() -> schedulers.entrySet().stream()
                .anyMatch(e -> !e.getKey().equals(leader) && e.getValue().isLeader()));
        await().atMost(Duration.ofSeconds(15)).until(() -> fireTimes("tick").stream().anyMatch(time -> time.isAfter(crashed.plusSeconds(2))));

        List<Instant> fired = fireTimes("tick");
        List<Instant> grid = new ArrayList<>();
        for (Instant time = created.plusSeconds(1); !time.isAfter(fired.get(fired.size() - 1)); time = time.plusSeconds(1)) {
            grid.add(time);
        }
        assertThat(fired).as("one task per second from the first fire time to the last, none missing across the crash")
                .isEqualTo(grid);
    }

    @Test
    void noFireTimeIsRepeatedOrLostWhenTheLeaderIsFrozenPastItsTtl() {
        URI target = URI.create(ETCD.endpoint());
        TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
        opened.add(proxy);
        Etcd frozen = Etcd.builder().endpoints(proxy.endpoint()).requestTimeout(Duration.ofSeconds(2)).build();
        opened.add(frozen);
        Scheduler first = scheduler(session(frozen, Duration.ofSeconds(2)), "frozen", Clock.systemUTC());
        await().atMost(Duration.ofSeconds(15)).until(first::isLeader);
        List<Scheduler> others = new ArrayList<>();
        for (String member : List.of("b", "c")) {
            others.add(scheduler(session(connection(), Duration.ofSeconds(2)), member, Clock.systemUTC()));
        }
        Instant created = Schedules.create(etcd, namespace).create("tick", new Trigger.FixedRate(Duration.ofSeconds(1)),
                MisfirePolicy.skip(), TaskProperties.empty()).anchor();
        await().atMost(Duration.ofSeconds(15)).until(() -> fireTimes("tick").size() >= 2);

        proxy.freeze();
        Instant froze = Instant.now();
        await().atMost(Duration.ofSeconds(20)).until(() -> others.stream().anyMatch(Scheduler::isLeader));
        await().atMost(Duration.ofSeconds(15)).until(() -> fireTimes("tick").stream().anyMatch(time -> time.isAfter(froze.plusSeconds(3))));
        proxy.heal();
        Instant healed = Instant.now();
        await().atMost(Duration.ofSeconds(15)).until(() -> fireTimes("tick").stream().anyMatch(time -> time.isAfter(healed.plusSeconds(2))));

        List<Instant> fired = fireTimes("tick");
        List<Instant> grid = new ArrayList<>();
        for (Instant time = created.plusSeconds(1); !time.isAfter(fired.get(fired.size() - 1)); time = time.plusSeconds(1)) {
            grid.add(time);
        }
        assertThat(fired).as("one task per second, none missing, while the old leader was frozen and after it thawed")
                .isEqualTo(grid);
    }

    @Test
    void aFixedDelayWaitsForThePreviousRunToEnd() {
        Session session = session(etcd, Duration.ofSeconds(5));
        List<Instant> ends = new CopyOnWriteArrayList<>();
        TaskMember member = TaskMember.builder(session, "worker").namespace(namespace)
                .handler(context -> {
                    Thread.sleep(500);
                    ends.add(Instant.now());
                })
                .start();
        opened.add(member);
        scheduler(session, "worker", Clock.systemUTC());
        Schedules.create(etcd, namespace).create("chain", new Trigger.FixedDelay(Duration.ofSeconds(1)),
                MisfirePolicy.fireOnce(), TaskProperties.empty());

        await().atMost(Duration.ofSeconds(25)).until(() -> fireTimes("chain").size() >= 3);
        List<TaskInfo> runs = tasks.list().stream().filter(info -> info.id().value().startsWith("chain@")).toList();
        List<Instant> fired = fireTimes("chain");
        for (int i = 1; i < fired.size(); i++) {
            TaskInfo previous = runs.get(i - 1);
            assertThat(previous.done()).as("run %s ended before the next fired", previous.id()).isTrue();
            Instant end = previous.since().orElseThrow();
            assertThat(fired.get(i)).as("fire %d is a second after run %d ended at %s", i, i - 1, end)
                    .isAfterOrEqualTo(end.plusSeconds(1)).isBefore(end.plusSeconds(6));
        }
    }
}
