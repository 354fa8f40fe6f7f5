package dev.baton.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.session.SessionState;
import dev.baton.testkit.Closer;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaderServiceTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final Closer resources = new Closer();
    private Etcd direct;
    private String prefix;

    @BeforeEach
    void connect(TestInfo test) {
        direct = resources.add(Etcd.builder().endpoints(ETCD.endpoint()).build());
        prefix = "services/" + test.getTestMethod().orElseThrow().getName();
    }

    private Member member(String endpoint) {
        Member member = Member.join(endpoint, TTL);
        resources.add(member);
        return member;
    }

    private LeaderService periodic(Member member, String name, Ticks ticks) {
        LeaderService service = LeaderService.builder(member.session, prefix, name)
                .periodic(TICK, leadership -> ticks.record(name, leadership))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .start();
        resources.add(service);
        return service;
    }

    /** Every tick of every service: who ran it, under which token, and whether the leadership held as it started. */
    private static final class Ticks {
        record Tick(String member, long token, boolean valid, long atNanos) {
        }

        final List<Tick> all = new CopyOnWriteArrayList<>();

        void record(String member, Leadership leadership) {
            all.add(new Tick(member, leadership.token(), leadership.isValid(), System.nanoTime()));
        }

        long count(String member) {
            return all.stream().filter(tick -> tick.member().equals(member)).count();
        }

        List<Long> tokens() {
            return all.stream().map(Tick::token).distinct().toList();
        }
    }

    @Test
    void periodicWorkRunsOnlyOnTheLeaderAndMovesToTheNextMemberWhenTheLeaderCloses() {
        Ticks ticks = new Ticks();
        LeaderService a = periodic(member(ETCD.endpoint()), "a", ticks);
        await().atMost(WAIT).until(() -> ticks.count("a") >= 3);
        LeaderService b = periodic(member(ETCD.endpoint()), "b", ticks);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> ticks.count("b") == 0 && !b.isLeader());
        assertThat(a.isLeader()).isTrue();

        long closing = System.nanoTime();
        a.close();
        long closed = System.nanoTime();
        long aTicks = ticks.count("a");
        await().atMost(WAIT).until(() -> ticks.count("b") >= 3);

        assertThat(Duration.ofNanos(closed - closing)).isLessThan(Duration.ofSeconds(3));
        assertThat(ticks.count("a")).isEqualTo(aTicks);
        assertThat(ticks.all).allMatch(Ticks.Tick::valid);
        assertThat(ticks.tokens()).hasSize(2).isSorted();
        assertThat(b.isLeader()).isTrue();
        assertThat(a.isLeader()).isFalse();
        a.close();
    }

    @Test
    void workStopsWhenTheSessionIsLostAndResumesUnderANewTokenOnceItReconnects() {
        URI target = URI.create(ETCD.endpoint());
        TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
        resources.add(proxy);
        Member member = member(proxy.endpoint());
        Ticks ticks = new Ticks();
        LeaderService service = periodic(member, "a", ticks);
        await().atMost(WAIT).until(() -> ticks.count("a") >= 3);
        long firstLease = member.session.lease();

        proxy.cut();
        await().atMost(WAIT).until(() -> member.session.state() == SessionState.LOST);
        long ticksAtLoss = ticks.all.size();
        assertThat(service.isLeader()).isFalse();
        await().during(Duration.ofMillis(300)).until(() -> ticks.all.size() == ticksAtLoss);
        proxy.heal();

        await().atMost(WAIT).until(() -> ticks.tokens().size() == 2);
        assertThat(member.session.lease()).isNotEqualTo(firstLease);
        assertThat(ticks.all).allMatch(Ticks.Tick::valid);
        assertThat(ticks.tokens()).isSorted();
        assertThat(service.isLeader()).isTrue();
    }

    @Test
    void aLongRunningActionIsInterruptedWhenTheKeyIsDeletedAndRunsAgainUnderTheNextToken() throws Exception {
        Member member = member(ETCD.endpoint());
        List<Long> started = new CopyOnWriteArrayList<>();
        List<Long> interrupted = new CopyOnWriteArrayList<>();
        LeaderService service = LeaderService.builder(member.session, prefix, "a")
                .longRunning(leadership -> {
                    started.add(leadership.token());
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        interrupted.add(leadership.token());
                    }
                })
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .start();
        resources.add(service);
        await().atMost(WAIT).until(() -> started.size() == 1);
        String key = service.leadership().orElseThrow().key();

        direct.delete(KeyRange.key(key)).get();

        await().atMost(WAIT).until(() -> started.size() == 2);
        assertThat(interrupted).containsExactly(started.get(0));
        assertThat(started.get(1)).isGreaterThan(started.get(0));
        service.close();
        assertThat(interrupted).containsExactly(started.get(0), started.get(1));
        assertThat(direct.get(key).get()).isEmpty();
    }

    @Test
    void aLongRunningActionThatReturnsEndsTheTermAndTheServiceResignsBeforeCampaigningAgain() throws Exception {
        Member member = member(ETCD.endpoint());
        AtomicInteger terms = new AtomicInteger();
        List<Leadership> leaderships = new CopyOnWriteArrayList<>();
        LeaderService service = LeaderService.builder(member.session, prefix, "a")
                .longRunning(leadership -> {
                    leaderships.add(leadership);
                    if (terms.incrementAndGet() > 1) {
                        Thread.sleep(Long.MAX_VALUE);
                    }
                })
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .start();
        resources.add(service);

        await().atMost(WAIT).until(() -> leaderships.size() == 2);
        assertThat(leaderships.get(0).lost()).isCompletedWithValue(LossReason.RESIGNED);
        assertThat(leaderships.get(1).isValid()).isTrue();
        assertThat(leaderships.get(1).token()).isGreaterThan(leaderships.get(0).token());
    }

    @Test
    void aPeriodicActionThatThrowsACheckedExceptionKeepsItsTermAndRunsAgainAtTheNextTick() {
        Member member = member(ETCD.endpoint());
        List<Long> tokens = new CopyOnWriteArrayList<>();
        LeaderService service = LeaderService.builder(member.session, prefix, "a")
                .periodic(TICK, leadership -> {
                    tokens.add(leadership.token());
                    Thread.sleep(1);
                    throw new IOException("the report store is down");
                })
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .start();
        resources.add(service);

        await().atMost(WAIT).until(() -> tokens.size() >= 3);
        assertThat(tokens).containsOnly(tokens.get(0));
        assertThat(service.isLeader()).isTrue();
    }

    @Test
    void closingTheSessionStopsTheWorkAndTheService() throws Exception {
        Member member = member(ETCD.endpoint());
        Ticks ticks = new Ticks();
        LeaderService service = periodic(member, "a", ticks);
        await().atMost(WAIT).until(() -> ticks.count("a") >= 2);
        Leadership leadership = service.leadership().orElseThrow();

        member.session.close();

        assertThat(leadership.lost().get(5, TimeUnit.SECONDS)).isEqualTo(LossReason.SESSION_CLOSED);
        long ticksAtClose = ticks.all.size();
        await().during(Duration.ofMillis(300)).until(() -> ticks.all.size() == ticksAtClose && !service.isLeader());
        long closing = System.nanoTime();
        service.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void badSettingsAreRejectedNamingTheValue() {
        Member member = member(ETCD.endpoint());

        assertThatThrownBy(() -> LeaderService.builder(member.session, "jobs/", "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"jobs/\"");
        assertThatThrownBy(() -> LeaderService.builder(member.session, prefix, new byte[Election.MAX_VALUE_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1048577 bytes");
        assertThatThrownBy(() -> LeaderService.builder(member.session, prefix, "a").periodic(Duration.ZERO, l -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> LeaderService.builder(member.session, prefix, "a").start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("none was given");
        assertThatThrownBy(() -> LeaderService.builder(member.session, prefix, "a")
                .periodic(TICK, l -> { }).longRunning(l -> { }).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("both");
        assertThatThrownBy(() -> LeaderService.builder(member.session, prefix, "a")
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT1S").hasMessageContaining("PT2S");
    }
}
