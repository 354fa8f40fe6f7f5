package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tasks claimed ahead of their not-before instant, on real etcd: the claim lands early, the
 * handler never starts early, and until it starts the claim is held like any other (a slot,
 * fairness, release on a rebalance or a leave, free for others when the session is lost). A
 * run's timeout counts from its handler's start, whatever the task waited for before.
 */
class ClaimWindowMemberTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** Wide enough that a claim lands well before the not-before even on a loaded machine. */
    private static final Duration WINDOW = Duration.ofSeconds(10);

    private final Map<String, Instant> started = new ConcurrentHashMap<>();
    private final List<String> ranOn = new CopyOnWriteArrayList<>();
    private LiveFleet fleet;

    @BeforeEach
    void startFleet() {
        fleet = new LiveFleet(ETCD.endpoint(), "claim-window");
    }

    @AfterEach
    void stopFleet() {
        fleet.close();
    }

    /** A handler that records where and when it started, then completes. */
    private TaskHandler recording(String member) {
        return context -> {
            started.putIfAbsent(context.id().value(), Instant.now());
            ranOn.add(member + ":" + context.id().value());
        };
    }

    private TaskMember member(String id, Duration window) {
        return fleet.start(id, b -> b.claimWindow(window).handler(recording(id)));
    }

    private Instant submitDueIn(String task, Duration in) {
        Instant notBefore = Instant.now().plus(in);
        fleet.client().submit(TaskId.of(task), TaskProperties.empty(), notBefore);
        return notBefore;
    }

    private boolean claimed(String task) {
        return fleet.client().get(TaskId.of(task)).orElseThrow().owner().isPresent();
    }

    @Test
    void aTaskIsClaimedWithinTheWindowAheadButItsHandlerStartsNoSoonerThanItsNotBefore() {
        TaskMember member = member("a", WINDOW);
        Instant notBefore = submitDueIn("later", Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10)).until(() -> claimed("later"));
        Instant claimSeen = Instant.now();
        HeldTask held = member.status().tasks().get(0);
        TaskInfo info = fleet.client().get(TaskId.of("later")).orElseThrow();

        await().atMost(Duration.ofSeconds(15)).until(() -> fleet.client().get(TaskId.of("later"))
                .orElseThrow().done());
        assertThat(claimSeen).as("claimed ahead of its not-before").isBefore(notBefore);
        assertThat(started.get("later")).isAfterOrEqualTo(notBefore);
        assertThat(held.running()).as("no handler while the claim waits").isFalse();
        assertThat(info.status()).as("nothing is written at the claim").contains(TaskStatus.RUNNABLE);
        assertThat(info.since()).as("runnable since its submission, not since the claim")
                .isEqualTo(info.submitted());
    }

    @Test
    void aTaskWaitingForItsNotBeforeHoldsASlotOfTheMember() {
        fleet.start("one", b -> b.claimWindow(WINDOW).maxConcurrentTasks(1).handler(recording("one")));
        Instant notBefore = submitDueIn("early", Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> claimed("early"));

        fleet.client().submit(TaskId.of("free"), TaskProperties.empty());

        await().atMost(Duration.ofSeconds(15)).until(() -> started.size() == 2);
        assertThat(started.get("early")).isAfterOrEqualTo(notBefore);
        assertThat(started.get("free")).as("the one slot was held by the waiting task")
                .isAfterOrEqualTo(started.get("early"));
    }

    @Test
    void aRebalanceReleasesATaskClaimedAheadWithoutRunningIt() {
        member("a", WINDOW);
        Instant notBefore = submitDueIn("x", Duration.ofSeconds(5));
        submitDueIn("y", Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.holdings().equals(Map.of("a", 2)));

        member("b", WINDOW);

        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.holdings().equals(Map.of("a", 1, "b", 1)));
        await().atMost(Duration.ofSeconds(15)).until(() -> started.size() == 2);
        assertThat(started.values()).allSatisfy(start -> assertThat(start).isAfterOrEqualTo(notBefore));
        assertThat(ranOn).hasSize(2).anyMatch(run -> run.startsWith("a:")).anyMatch(run -> run.startsWith("b:"));
    }

    @Test
    void aGracefulLeaveReleasesATaskClaimedAheadWithoutRunningIt() {
        member("a", WINDOW);
        Instant notBefore = submitDueIn("x", Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.holdings().equals(Map.of("a", 1)));

        fleet.stop("a");
        assertThat(claimed("x")).as("released on the leave").isFalse();
        member("b", WINDOW);

        await().atMost(Duration.ofSeconds(15)).until(() -> started.containsKey("x"));
        assertThat(ranOn).containsExactly("b:x");
        assertThat(started.get("x")).isAfterOrEqualTo(notBefore);
    }

    @Test
    void aTaskClaimedAheadIsFreeForOthersWhenTheSessionIsLostAndNeverRunsOnTheLostMember() {
        URI target = URI.create(ETCD.endpoint());
        try (TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
             Etcd throughProxy = Etcd.builder().endpoints(proxy.endpoint()).build();
             Session session = Session.builder(throughProxy).ttl(LiveFleet.TTL).open();
             TaskMember cut = TaskMember.builder(session, "cut").namespace(fleet.namespace()).claimWindow(WINDOW)
                     .handler(recording("cut")).start()) {
            Instant notBefore = submitDueIn("x", Duration.ofSeconds(8));
            await().atMost(Duration.ofSeconds(10)).until(() -> cut.status().tasks().size() == 1);

            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> cut.status().sessionLosses() == 1);
            member("other", WINDOW);

            await().atMost(Duration.ofSeconds(20)).until(() -> started.containsKey("x"));
            assertThat(ranOn).containsExactly("other:x");
            assertThat(started.get("x")).isAfterOrEqualTo(notBefore);
            proxy.heal();
        }
    }

    @Test
    void theRunTimeoutCountsFromTheHandlersStartNotFromTheClaim() {
        Map<String, Duration> stoppedAfter = new ConcurrentHashMap<>();
        fleet.start("a", b -> b.claimWindow(WINDOW).handler(context -> {
            long start = System.nanoTime();
            context.awaitStop(Duration.ofMinutes(1));
            stoppedAfter.put(context.id().value() + ":" + context.stopReason().orElseThrow(),
                    Duration.ofNanos(System.nanoTime() - start));
            context.throwIfStopRequested();
        }));
        fleet.client().submit(TaskSubmission.of(TaskId.of("timed"), TaskProperties.empty(),
                Instant.now().plusSeconds(3)).withOptions(TaskOptions.defaults().withTimeout(Duration.ofSeconds(1))
                .withRetryPolicy(RetryPolicy.builder().maxAttempts(1).build())));

        await().atMost(Duration.ofSeconds(15)).until(() -> fleet.client().get(TaskId.of("timed")).orElseThrow()
                .status().orElseThrow().terminal());
        assertThat(stoppedAfter).as("its one attempt ran, for its whole timeout").hasEntrySatisfying("timed:TIMED_OUT",
                after -> assertThat(after).isGreaterThan(Duration.ofMillis(900)));
    }

    @Test
    void theRunTimeoutOfATaskWaitingForAFreeHandlerCountsFromItsStart() {
        Map<String, Duration> stoppedAfter = new ConcurrentHashMap<>();
        fleet.start("a", b -> b.maxConcurrentTasks(1).claimAhead(1).handler(context -> {
            started.put(context.id().value(), Instant.now());
            long start = System.nanoTime();
            context.awaitStop(Duration.ofMillis(context.id().value().equals("first") ? 2_000 : 60_000));
            stoppedAfter.put(context.id().value() + ":" + context.stopReason().map(Enum::name).orElse("none"),
                    Duration.ofNanos(System.nanoTime() - start));
            context.throwIfStopRequested();
        }));
        fleet.client().submit(TaskId.of("first"), TaskProperties.empty());
        await().atMost(Duration.ofSeconds(10)).until(() -> started.containsKey("first"));

        fleet.client().submit(TaskSubmission.of(TaskId.of("queued"), TaskProperties.empty())
                .withOptions(TaskOptions.defaults().withTimeout(Duration.ofSeconds(1))
                        .withRetryPolicy(RetryPolicy.builder().maxAttempts(1).build())));

        await().atMost(Duration.ofSeconds(15)).until(() -> fleet.client().get(TaskId.of("queued")).orElseThrow()
                .status().orElseThrow().terminal());
        assertThat(stoppedAfter).as("its one attempt ran, for its whole timeout").containsKey("first:none")
                .hasEntrySatisfying("queued:TIMED_OUT",
                        after -> assertThat(after).isGreaterThan(Duration.ofMillis(900)));
    }
}
