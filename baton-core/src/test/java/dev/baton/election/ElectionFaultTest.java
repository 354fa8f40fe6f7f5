package dev.baton.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.RecordingWatch;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdCluster;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safety and liveness of the election with candidates in separate JVMs ({@link LedgerCandidateMain})
 * under process and network faults.
 *
 * <p><b>What is recorded.</b> Every leader appends {@code <token> <seq> <name>} to one ledger key in
 * a transaction fenced by its token; a watch in this JVM, started before the first append, records
 * every accepted append with its store revision ({@link Ledger}). The invariant is checked on that
 * record, which is the store's own order: tokens never decrease (so two leaders' appends never
 * interleave and each new leader's token is higher), each token belongs to one candidate, and every
 * append a candidate printed as accepted is in the record.
 *
 * <p><b>"Reports LOST before the next leader's first accepted write".</b> Instants of different
 * JVMs are never compared. For the leader cut off by the proxy, a thread of this JVM waits for the
 * cut leader's {@code LOST} line and at once writes a marker key; the marker's store revision is
 * then compared with the revision of the next leader's first append. The chain LOST printed → line
 * read here → marker written is causal, so marker revision &lt; first append revision proves the
 * report came first (a slow relay could only make the check fail, never pass wrongly). A leader
 * stopped with SIGSTOP cannot report anything while it is stopped, and the next leader is elected
 * meanwhile; for it the test checks what can be checked: nothing it sent is accepted after the next
 * leader's first append (the record), and once resumed it reports {@code LOST} for its old token.
 *
 * <p><b>Liveness</b> after {@code kill -9} is measured in this JVM, from just before the signal to
 * the moment this JVM's watch sees the dead leader's key deleted, which is the revision at which
 * etcd hands the election to the next candidate.
 */
class ElectionFaultTest {
    private static final Logger LOG = LoggerFactory.getLogger(ElectionFaultTest.class);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private Etcd direct;
    private String prefix;

    @BeforeEach
    void connect(TestInfo test) {
        direct = Etcd.builder().endpoints(ETCD.endpoint()).build();
        prefix = "faults/" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void disconnect() {
        direct.close();
    }

    @Test
    void killingTheLeaderElectsTheNextWithinTheTtlAndAppendsNeverInterleave() throws Exception {
        int ttl = 2;
        try (LedgerCandidates candidates = LedgerCandidates.of(direct, prefix)) {
            for (String name : List.of("c1", "c2", "c3")) {
                candidates.start(name, ETCD.endpoint(), ttl);
            }
            Ledger.Entry first = candidates.awaitAppends(3, 0, WAIT);
            String leaderKey = candidates.candidateKey(first.name(), first.token());
            long revision = direct.range(KeyRange.key(leaderKey)).get().revision();
            try (RecordingWatch handedOver = RecordingWatch.start(direct, KeyRange.key(leaderKey), revision + 1)) {
                long killedAt = System.nanoTime();
                candidates.get(first.name()).kill();
                Ledger.Entry next = candidates.awaitAppends(1, first.token(), WAIT);
                long appendedAt = System.nanoTime();
                await().atMost(WAIT).until(() -> handedOver.firstEventNanos() != 0);

                Duration electedAfter = Duration.ofNanos(handedOver.firstEventNanos() - killedAt);
                LOG.info("ttl {} s: after kill -9, next leader elected in {} ms, its first append seen after {} ms", ttl,
                        electedAfter.toMillis(), TimeUnit.NANOSECONDS.toMillis(appendedAt - killedAt));
                assertThat(electedAfter).isLessThan(Duration.ofSeconds(ttl).plusMillis(1500));
                assertThat(next.name()).isNotEqualTo(first.name());
            }
            candidates.awaitAppends(3, first.token(), WAIT);
            candidates.stopAll();
            candidates.ledger().assertSafe(candidates.printed());
        }
    }

    @Test
    void aLeaderPausedLongerThanTheTtlIsFencedOutAndReportsLostWhenResumed() throws Exception {
        int ttl = 2;
        try (LedgerCandidates candidates = LedgerCandidates.of(direct, prefix)) {
            for (String name : List.of("c1", "c2")) {
                candidates.start(name, ETCD.endpoint(), ttl);
            }
            Ledger.Entry first = candidates.awaitAppends(3, 0, WAIT);
            ChildJvm paused = candidates.get(first.name());

            paused.pause();
            Ledger.Entry next = candidates.awaitAppends(3, first.token(), WAIT);
            int linesBeforeResume = paused.lines().size();
            paused.resume();

            String lost = paused.awaitLine(linesBeforeResume, line -> line.startsWith("LOST ")
                    && line.contains(" token=" + first.token() + " "), WAIT);
            assertThat(lost).endsWith("reason=SESSION_LOST");
            candidates.awaitAppends(ledgerCount(candidates, next.token()) + 5, first.token(), WAIT);
            candidates.stopAll();
            Ledger ledger = candidates.ledger();
            ledger.assertSafe(candidates.printed());
            assertThat(ledger.entries()).filteredOn(entry -> entry.token() == first.token())
                    .allMatch(entry -> entry.revision() < ledger.firstRevisionOf(next.token()));
        }
    }

    @Test
    void aLeaderCutFromTheStoreReportsLostBeforeTheNextLeadersFirstAppend() throws Exception {
        int ttl = 3;
        URI target = URI.create(ETCD.endpoint());
        try (TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort());
             LedgerCandidates candidates = LedgerCandidates.of(direct, prefix)) {
            ChildJvm cut = candidates.start("c1", proxy.endpoint(), ttl);
            Ledger.Entry first = candidates.awaitAppends(3, 0, WAIT);
            candidates.start("c2", ETCD.endpoint(), ttl);
            await().atMost(WAIT).until(() -> direct.range(KeyRange.prefix(prefix + "/")).get().kvs().size() == 2);
            String marker = "markers/" + prefix;
            CompletableFuture<Long> relayed = CompletableFuture.supplyAsync(() -> {
                String line = cut.awaitLine(l -> l.startsWith("LOST "), WAIT);
                return direct.put(marker, line.getBytes(StandardCharsets.UTF_8), 0).join();
            });

            proxy.cut();
            Ledger.Entry next = candidates.awaitAppends(1, first.token(), WAIT);
            long markerRevision = relayed.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            long firstAppend = candidates.ledger().firstRevisionOf(next.token());
            LOG.info("cut leader's LOST relayed at revision {}, next leader's first append at revision {}",
                    markerRevision, firstAppend);
            assertThat(first.name()).isEqualTo("c1");
            assertThat(next.name()).isEqualTo("c2");
            assertThat(markerRevision).isLessThan(firstAppend);
            assertThat(direct.get(marker).get().orElseThrow().valueUtf8())
                    .contains("token=" + first.token()).endsWith("reason=SESSION_LOST");
            candidates.stopAll();
            candidates.ledger().assertSafe(candidates.printed());
        }
    }

    @Test
    void losingAnEtcdMemberOfThreeKeepsOneLeaderAtATimeAndTheLedgerGrowing() throws Exception {
        int ttl = 3;
        try (EtcdCluster cluster = EtcdCluster.start(3);
             Etcd clusterClient = Etcd.builder().endpoints(cluster.endpoints()).build();
             LedgerCandidates candidates = LedgerCandidates.of(clusterClient, prefix)) {
            for (String name : List.of("c1", "c2", "c3")) {
                candidates.start(name, cluster.endpointList(), ttl);
            }
            Ledger.Entry first = candidates.awaitAppends(3, 0, WAIT);
            int etcdLeader = cluster.leaderIndex();

            cluster.member(etcdLeader).kill();
            int appendsAtKill = candidates.ledger().entries().size();
            await().atMost(WAIT).until(() -> candidates.ledger().entries().size() >= appendsAtKill + 10);

            LOG.info("etcd member {} (the raft leader) killed; leader tokens seen: {}", etcdLeader,
                    candidates.ledger().entries().stream().map(Ledger.Entry::token).distinct().toList());
            candidates.stopAll();
            candidates.ledger().assertSafe(candidates.printed());
        }
    }

    private static int ledgerCount(LedgerCandidates candidates, long token) {
        return (int) candidates.ledger().entriesOf(token);
    }
}
