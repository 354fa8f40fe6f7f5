package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Not-before times, graceful and bounded shutdown, and what a member does when its session is lost. */
class MemberLifecycleTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private LiveFleet fleet;

    @BeforeEach
    void startFleet() {
        fleet = new LiveFleet(ETCD.endpoint(), "lifecycle");
    }

    @AfterEach
    void stopFleet() {
        fleet.close();
    }

    @Test
    void aTaskIsNotClaimedBeforeItsNotBeforeTime() {
        Map<TaskId, Instant> started = new ConcurrentHashMap<>();
        fleet.start("a", b -> b.handler(context -> started.put(context.id(), Instant.now())));
        Instant notBefore = Instant.now().plusMillis(1500);
        fleet.client().submit(TaskId.of("later"), TaskProperties.empty(), notBefore);
        fleet.client().submit(TaskId.of("now"), TaskProperties.empty());

        await().atMost(Duration.ofSeconds(10)).until(() -> started.size() == 2);

        assertThat(started.get(TaskId.of("later"))).isAfterOrEqualTo(notBefore);
        assertThat(started.get(TaskId.of("now"))).isBefore(notBefore);
    }

    @Test
    void memberCommandsWaitForTheirMemberAndAreAppliedInOrder() {
        TaskHandler runUntilStopped = context -> {
            context.awaitStop(Duration.ofMinutes(5));
            context.throwIfStopRequested();
        };
        fleet.client().send("late", MemberCommand.freeze());
        fleet.client().submit(TaskId.of("waiting"), TaskProperties.empty());

        TaskMember late = fleet.start("late", b -> b.handler(runUntilStopped));

        await().until(() -> late.status().frozen());
        assertThat(fleet.client().members()).singleElement().satisfies(member -> assertThat(member.frozen()).isTrue());
        assertThat(fleet.client().get(TaskId.of("waiting")).orElseThrow().owner()).isEmpty();

        fleet.client().send("late", MemberCommand.unfreeze());
        await().until(() -> late.status().tasks().size() == 1);
        long firstToken = late.status().tasks().get(0).claimToken();

        fleet.client().send("late", MemberCommand.release(TaskId.of("waiting")));
        await().until(() -> late.status().tasks().size() == 1 && late.status().tasks().get(0).claimToken() > firstToken);
        assertThat(fleet.etcd().range(dev.baton.etcd.KeyRange.prefix(fleet.namespace() + "commands/")).join().kvs())
                .isEmpty();
        assertThat(late.status().rejected()).isEmpty();
    }

    @Test
    void deletingARunningTaskStopsItsHandlerAndVoidsItsClaim() {
        List<String> stops = new CopyOnWriteArrayList<>();
        fleet.start("a", b -> b.statefulHandler(context -> {
            context.awaitStop(Duration.ofMinutes(5));
            stops.add(context.id() + ":" + context.stopReason().orElseThrow());
            try {
                context.checkpoint("too late");
            } catch (TaskClaimLostException e) {
                stops.add("refused");
            }
            return TaskMessage.complete();
        }));
        TaskId task = TaskId.of("doomed");
        fleet.client().submit(task, TaskProperties.empty());
        await().until(() -> fleet.member("a").status().tasks().size() == 1);

        assertThat(fleet.client().delete(task)).isTrue();

        await().until(() -> stops.size() == 2);
        assertThat(stops).containsExactly("doomed:CLAIM_LOST", "refused");
        assertThat(fleet.client().get(task)).isEmpty();
        assertThat(fleet.member("a").status().tasks()).isEmpty();
    }

    @Test
    void closeStopsHandlersAndReleasesTheirTasksToTheOthers() {
        TaskHandler runUntilStopped = context -> {
            context.awaitStop(Duration.ofMinutes(5));
            context.throwIfStopRequested();
        };
        fleet.start("a", b -> b.handler(runUntilStopped));
        fleet.start("b", b -> b.handler(runUntilStopped));
        fleet.submit("job", 6);
        await().until(() -> fleet.holdings().equals(Map.of("a", 3, "b", 3)));

        fleet.stop("a");

        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.holdings().equals(Map.of("b", 6)));
        assertThat(fleet.client().list()).noneMatch(TaskInfo::done);
    }

    @Test
    void closeIsBoundedWhenAHandlerIgnoresTheStopSignal() {
        List<String> interrupted = new CopyOnWriteArrayList<>();
        fleet.start("stubborn", b -> b.stopTimeout(Duration.ofSeconds(1)).handler(context -> {
            try {
                Thread.sleep(Duration.ofMinutes(5).toMillis());
            } catch (InterruptedException e) {
                interrupted.add(context.id().value());
                Thread.sleep(Duration.ofMinutes(5).toMillis());
            }
        }));
        fleet.submit("job", 2);
        await().until(() -> fleet.holdings().getOrDefault("stubborn", 0) == 2);

        long start = System.nanoTime();
        fleet.stop("stubborn");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofSeconds(1).plus(fleet.etcd().requestTimeout()).plusSeconds(2));
        assertThat(interrupted).hasSize(2);
        assertThat(fleet.client().list()).allSatisfy(info -> assertThat(info.owner()).isEmpty());
    }

    @Test
    void aLostSessionStopsEveryHandlerAtOnceAndTheMemberComesBackWithANewLease() {
        URI target = URI.create(ETCD.endpoint());
        List<String> stops = new CopyOnWriteArrayList<>();
        try (TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
             Etcd throughProxy = Etcd.builder().endpoints(proxy.endpoint()).build();
             Session session = Session.builder(throughProxy).ttl(LiveFleet.TTL).open();
             TaskMember member = TaskMember.builder(session, "cut").namespace(fleet.namespace())
                     .handler(context -> {
                         context.awaitStop(Duration.ofMinutes(5));
                         stops.add(context.id() + ":" + context.stopReason().orElseThrow());
                         context.throwIfStopRequested();
                     }).start()) {
            fleet.submit("job", 3);
            await().until(() -> member.status().tasks().size() == 3);
            long firstLease = session.lease();

            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> stops.size() == 3);
            assertThat(stops).allMatch(stop -> stop.endsWith(":SESSION_LOST"));
            assertThat(member.status().tasks()).isEmpty();
            assertThat(member.status().sessionLosses()).isEqualTo(1);

            proxy.heal();
            await().atMost(Duration.ofSeconds(15)).until(() -> session.state() == SessionState.CONNECTED
                    && session.lease() != firstLease && member.status().tasks().size() == 3);
            assertThat(fleet.holdings()).containsEntry("cut", 3);
        }
    }

    @Test
    void aMemberThatMissedCompactedHistoryReloadsTheNamespaceAndActsOnWhatChanged() {
        URI target = URI.create(ETCD.endpoint());
        try (TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
             Etcd throughProxy = Etcd.builder().endpoints(proxy.endpoint()).build();
             Session session = Session.builder(throughProxy).ttl(Duration.ofSeconds(30)).open();
             TaskMember member = TaskMember.builder(session, "behind").namespace(fleet.namespace())
                     .maxConcurrentTasks(3).handler(context -> {
                         context.awaitStop(Duration.ofMinutes(5));
                         context.throwIfStopRequested();
                     }).start()) {
            fleet.submit("a", 3);
            await().until(() -> heldIds(member).equals(List.of("a-00000", "a-00001", "a-00002")));

            proxy.cut();
            assertThat(fleet.client().delete(TaskId.of("a-00000"))).isTrue();
            fleet.submit("b", 1);
            long revision = fleet.etcd().range(KeyRange.key(fleet.namespace())).join().revision();
            fleet.etcd().compact(revision).join();
            proxy.heal();

            await().atMost(Duration.ofSeconds(20)).until(() -> heldIds(member).equals(List.of("a-00001", "a-00002", "b-00000")));
            assertThat(session.state()).isEqualTo(SessionState.CONNECTED);
        }
    }

    private static List<String> heldIds(TaskMember member) {
        return member.status().tasks().stream().map(task -> task.id().value()).sorted().toList();
    }

    @Test
    void aHandlerThatOutlivesItsLostClaimFreesItsSlotWhenItReturnsAndTheTaskIsClaimedAgain() throws Exception {
        URI target = URI.create(ETCD.endpoint());
        CountDownLatch firstRunMayReturn = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        try (TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
             Etcd throughProxy = Etcd.builder().endpoints(proxy.endpoint()).build();
             Session session = Session.builder(throughProxy).ttl(LiveFleet.TTL).open();
             TaskMember member = TaskMember.builder(session, "single").namespace(fleet.namespace())
                     .maxConcurrentTasks(1)
                     .handler(context -> {
                         if (runs.incrementAndGet() == 1) {
                             // Ignores the stop signal: after the session is lost it runs on as a zombie.
                             firstRunMayReturn.await();
                         }
                     }).start()) {
            TaskId job = fleet.submit("job", 1).get(0);
            await().until(() -> member.status().tasks().size() == 1);
            long firstLease = session.lease();

            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> member.status().sessionLosses() == 1);
            proxy.heal();
            await().atMost(Duration.ofSeconds(15)).until(() -> session.state() == SessionState.CONNECTED
                    && session.lease() != firstLease && fleet.client().get(job).orElseThrow().owner().isEmpty());
            // The zombie occupies the member's only slot: the task, now without an owner, stays unclaimed.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> fleet.client().get(job).orElseThrow().owner().isEmpty());

            firstRunMayReturn.countDown();
            await().atMost(Duration.ofSeconds(15)).until(() -> fleet.client().get(job).orElseThrow().done());
            assertThat(runs).hasValue(2);
        }
    }
}
