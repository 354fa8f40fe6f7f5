package dev.baton.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.etcd.RecordingWatch;
import dev.baton.session.SessionState;
import dev.baton.testkit.Closer;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ElectionTest {
    private static final Logger LOG = LoggerFactory.getLogger(ElectionTest.class);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration ELECTED = Duration.ofSeconds(5);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final Closer resources = new Closer();
    private Etcd direct;
    private String prefix;

    @BeforeEach
    void connect(TestInfo test) {
        direct = resources.add(Etcd.builder().endpoints(ETCD.endpoint()).build());
        prefix = "elections/" + test.getTestMethod().orElseThrow().getName();
    }

    private Member member() {
        return member(ETCD.endpoint());
    }

    private Member member(String endpoint) {
        return member(endpoint, TTL);
    }

    private Member member(String endpoint, Duration ttl) {
        Member member = Member.join(endpoint, ttl);
        resources.add(member);
        return member;
    }

    private TcpProxy proxy() {
        URI target = URI.create(ETCD.endpoint());
        TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
        resources.add(proxy);
        return proxy;
    }

    private boolean fencedWrite(Etcd etcd, Leadership leadership, String value) throws Exception {
        return etcd.txn(List.of(leadership.fence()), List.of(Operations.put(prefix + "-ledger", utf8(value), 0)), List.of())
                .get().succeeded();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theOldestCandidateLeadsAndTheNextTakesOverWhenItResigns() throws Exception {
        Member a = member();
        Member b = member();
        Leadership first = a.election(prefix).campaign("a", ELECTED);
        Candidacy second = b.election(prefix).campaign("b");

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.elected().isDone());
        assertThat(first.key()).isEqualTo(prefix + "/" + Long.toHexString(a.session.lease()));
        assertThat(first.isValid()).isTrue();
        assertThat(fencedWrite(a.etcd, first, "a")).isTrue();

        long resignedAt = System.nanoTime();
        first.resign().get();
        Leadership next = second.elected().get(5, TimeUnit.SECONDS);
        boolean written = fencedWrite(b.etcd, next, "b");
        long handover = System.nanoTime() - resignedAt;

        LOG.info("handover after resign, to the first accepted fenced write: {} ms", TimeUnit.NANOSECONDS.toMillis(handover));
        assertThat(written).isTrue();
        assertThat(first.lost()).isCompletedWithValue(LossReason.RESIGNED);
        assertThat(first.isValid()).isFalse();
        assertThat(fencedWrite(a.etcd, first, "stale a")).isFalse();
        assertThat(next.token()).isGreaterThan(first.token());
        assertThat(Duration.ofNanos(handover)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void observersSeeEachLeaderAndEachProclaimedValueInOrder() throws Exception {
        Member a = member();
        Member b = member();
        List<Optional<String>> seen = new CopyOnWriteArrayList<>();
        LeaderObserver observer = member().election(prefix)
                .observe(leader -> seen.add(leader.map(Leader::valueUtf8)));
        resources.add(observer);
        await().until(() -> seen.size() == 1);

        Leadership first = a.election(prefix).campaign("a1", ELECTED);
        Candidacy second = b.election(prefix).campaign("b1");
        first.proclaim("a2").get();
        first.resign().get();
        Leadership next = second.elected().get(5, TimeUnit.SECONDS);
        next.proclaim("b2").get();
        next.resign().get();

        await().untilAsserted(() -> assertThat(seen).containsExactly(Optional.empty(), Optional.of("a1"),
                Optional.of("a2"), Optional.of("b1"), Optional.of("b2"), Optional.empty()));
        assertThat(observer.current()).isEmpty();
    }

    @Test
    void theLeaderIsReadInOneRequest() throws Exception {
        Member a = member();
        Election election = a.election(prefix);
        assertThat(election.leader().get()).isEmpty();

        Leadership leadership = election.campaign("address-a", ELECTED);
        Leader leader = election.leader().get().orElseThrow();

        assertThat(leader.key()).isEqualTo(leadership.key());
        assertThat(leader.valueUtf8()).isEqualTo("address-a");
        assertThat(leader.createRevision()).isEqualTo(leadership.token());
        assertThat(leader.lease()).isEqualTo(a.session.lease());
    }

    @Test
    void aLeaderCutFromTheStoreStepsDownBeforeEtcdDeletesItsKey() throws Exception {
        TcpProxy proxy = proxy();
        Member cut = member(proxy.endpoint());
        Member other = member();
        Leadership leadership = cut.election(prefix).campaign("cut", ELECTED);
        Candidacy successor = other.election(prefix).campaign("other");
        AtomicLong lostAt = new AtomicLong();
        leadership.lost().thenRun(() -> lostAt.set(System.nanoTime()));
        long revision = direct.range(KeyRange.key(leadership.key())).get().revision();
        RecordingWatch deletion = RecordingWatch.start(direct, KeyRange.key(leadership.key()), revision + 1);
        resources.add(deletion);

        proxy.cut();
        Leadership next = successor.elected().get(10, TimeUnit.SECONDS);

        assertThat(leadership.lost()).isCompletedWithValue(LossReason.SESSION_LOST);
        await().until(() -> deletion.firstEventNanos() != 0);
        LOG.info("ttl {}: leadership lost {} ms before etcd deleted the key", TTL,
                TimeUnit.NANOSECONDS.toMillis(deletion.firstEventNanos() - lostAt.get()));
        assertThat(lostAt.get()).isLessThan(deletion.firstEventNanos());
        assertThat(leadership.isValid()).isFalse();
        assertThat(fencedWrite(direct, leadership, "stale")).isFalse();
        assertThat(fencedWrite(other.etcd, next, "next")).isTrue();
    }

    @Test
    void deletingTheCandidateKeyEndsTheLeadership() throws Exception {
        Member a = member();
        Leadership leadership = a.election(prefix).campaign("a", ELECTED);

        direct.delete(KeyRange.key(leadership.key())).get();

        assertThat(leadership.lost().get(5, TimeUnit.SECONDS)).isEqualTo(LossReason.KEY_DELETED);
        assertThat(leadership.isValid()).isFalse();
        assertThatThrownBy(() -> leadership.proclaim("again").get())
                .hasCauseInstanceOf(NotLeaderException.class)
                .hasMessageContaining(leadership.key()).hasMessageContaining("KEY_DELETED");
        assertThat(a.session.state()).isEqualTo(SessionState.CONNECTED);
        assertThat(a.election(prefix).campaign("a", ELECTED).token()).isGreaterThan(leadership.token());
    }

    @Test
    void closingTheSessionEndsTheLeadershipAndTheSuccessorIsElectedAtOnce() throws Exception {
        Duration longTtl = Duration.ofSeconds(10);
        Member a = member(ETCD.endpoint(), longTtl);
        Member b = member();
        Leadership leadership = a.election(prefix).campaign("a", ELECTED);
        Candidacy successor = b.election(prefix).campaign("b");
        await().during(Duration.ofMillis(200)).until(() -> !successor.elected().isDone());

        long closedAt = System.nanoTime();
        a.session.close();
        successor.elected().get(5, TimeUnit.SECONDS);

        // Revocation, not expiry: without it the key would live for at least two thirds of the TTL.
        assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(longTtl.dividedBy(2));
        assertThat(leadership.lost().get(1, TimeUnit.SECONDS)).isEqualTo(LossReason.SESSION_CLOSED);
        assertThat(leadership.isValid()).isFalse();
    }

    @Test
    void aCampaignThatTimesOutWithdrawsItsCandidacy() throws Exception {
        Member a = member();
        Member b = member();
        a.election(prefix).campaign("a", ELECTED);
        Election election = b.election(prefix);
        String key = prefix + "/" + Long.toHexString(b.session.lease());

        assertThatThrownBy(() -> election.campaign("b", Duration.ofMillis(300)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining(prefix).hasMessageContaining("PT0.3S").hasMessageContaining(key);

        await().atMost(Duration.ofSeconds(5)).until(() -> direct.get(key).get().isEmpty());
        assertThat(election.campaign("b").key()).isEqualTo(key);
    }

    @Test
    void aCampaignFailsCleanlyWhenItsSessionIsLostWhileWaiting() throws Exception {
        TcpProxy proxy = proxy();
        Member a = member();
        Member waiting = member(proxy.endpoint());
        a.election(prefix).campaign("a", ELECTED);
        Election election = waiting.election(prefix);
        Candidacy candidacy = election.campaign("waiting");
        await().until(() -> direct.get(candidacy.key()).get().isPresent());

        proxy.cut();

        assertThatThrownBy(() -> candidacy.elected().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CandidacyLostException.class)
                .hasMessageContaining(candidacy.key()).hasMessageContaining("SESSION_LOST");
        assertThat(candidacy.elected()).isCompletedExceptionally();
        await().until(() -> waiting.session.state() == SessionState.LOST);
        assertThatThrownBy(() -> election.campaign("again"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("LOST").hasMessageContaining(prefix);
    }

    @Test
    void badInputIsRejectedNamingTheBadValue() throws Exception {
        Member a = member();
        Election election = a.election(prefix);

        assertThatThrownBy(() -> Election.on(a.session, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"\"");
        assertThatThrownBy(() -> Election.on(a.session, "jobs/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"jobs/\"");
        assertThatThrownBy(() -> Election.on(a.session, "jobs\u0007"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0007");
        byte[] tooLarge = new byte[Election.MAX_VALUE_BYTES + 1];
        assertThatThrownBy(() -> election.campaign(tooLarge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1048577 bytes").hasMessageContaining("1048576").hasMessageContaining(prefix);

        Leadership leadership = election.campaign(new byte[Election.MAX_VALUE_BYTES], ELECTED);
        assertThatThrownBy(() -> leadership.proclaim(tooLarge))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1048577 bytes");
        assertThatThrownBy(() -> election.campaign("twice"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(leadership.key());

        a.session.close();
        assertThatThrownBy(() -> election.campaign("closed"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED").hasMessageContaining(prefix);
        assertThat(direct.get(leadership.key()).get()).isEmpty();
    }

    @Test
    void resigningTellsLostListenersBeforeTheKeyIsDeleted() throws Exception {
        Member a = member();
        Leadership leadership = a.election(prefix).campaign("a", ELECTED);
        CompletableFuture<Boolean> keyPresentWhenTold = leadership.lost().thenApply(reason -> {
            try {
                return direct.get(leadership.key()).get().isPresent();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        leadership.resign().get(5, TimeUnit.SECONDS);

        assertThat(keyPresentWhenTold.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(direct.get(leadership.key()).get()).isEmpty();
    }

    @Test
    void aResignedLeaderCanNeitherProclaimNorWrite() throws Exception {
        Member a = member();
        Leadership leadership = a.election(prefix).campaign("a", ELECTED);
        CompletableFuture<Void> resigned = leadership.resign();

        assertThat(leadership.isValid()).isFalse();
        resigned.get(5, TimeUnit.SECONDS);
        assertThat(leadership.resign().get(1, TimeUnit.SECONDS)).isNull();
        assertThat(leadership.lost()).isCompletedWithValue(LossReason.RESIGNED);
        assertThatThrownBy(() -> leadership.proclaim("late").get()).hasCauseInstanceOf(NotLeaderException.class);
        assertThat(direct.txn(List.of(Compares.createRevisionIs(leadership.key(), leadership.token())),
                List.of(Operations.put(prefix + "-ledger", utf8("late"), 0)), List.of()).get().succeeded()).isFalse();
    }
}
