package dev.baton.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operations;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A holder in a child JVM that dies, freezes or is cut off from the store: the next holder gets the lock within the holder's
 * TTL plus a bound, and the fenced ledger shows no write of the old holder after the new holder's
 * first one, in store order.
 */
class MutexProcessTest {
    private static final Duration HOLDER_TTL = Duration.ofSeconds(2);
    /** Generous for a loaded 2-core machine: the lease expiry loop, a watch event, one read. */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(10);
    private static final Duration START = Duration.ofSeconds(60);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final LockStore store = new LockStore(ETCD, "process-lock/");
    private String ledger;

    @BeforeEach
    void connect(TestInfo test) {
        ledger = "ledger/" + test.getTestMethod().orElseThrow().getName();
    }

    private ChildJvm holder() {
        return holder(ETCD.endpoint(), HOLDER_TTL);
    }

    private ChildJvm holder(String endpoint, Duration ttl) {
        ChildJvm child = store.add(ChildJvm.start(LedgerHolderMain.class, endpoint, store.name(),
                Long.toString(ttl.toSeconds()), ledger));
        child.awaitLine("^ACCEPTED ", START);
        return child;
    }

    /** Waits in this JVM for the lock, then writes its first fenced ledger entry; returns that entry's revision. */
    private long takeOverAndWrite(long oldToken) throws Exception {
        return takeOverAndWrite(oldToken, HOLDER_TTL);
    }

    private long takeOverAndWrite(long oldToken, Duration holderTtl) throws Exception {
        LockMember member = store.member(Duration.ofSeconds(5));
        HeldLock held = member.mutex(store.name()).lock(holderTtl.plus(TAKEOVER_BOUND).plus(Duration.ofSeconds(5)));
        assertThat(held.token()).isGreaterThan(oldToken);
        return member.etcd.txn(List.of(held.fence()),
                List.of(Operations.put(ledger + "/" + held.token() + "-0", "new".getBytes(StandardCharsets.UTF_8), 0)),
                List.of()).get().revision();
    }

    private static long token(ChildJvm child) {
        String held = child.awaitLine("^HELD ", START);
        return Long.parseLong(held.split(" ")[1].substring("token=".length()));
    }

    private void assertNoOldWriteAfter(long oldToken, long firstNewRevision) throws Exception {
        List<KeyValue> entries = store.direct().range(KeyRange.prefix(ledger + "/")).get().kvs();
        List<KeyValue> old = entries.stream().filter(kv -> kv.key().startsWith(ledger + "/" + oldToken + "-")).toList();
        assertThat(old).isNotEmpty().allSatisfy(kv -> assertThat(kv.modRevision()).isLessThan(firstNewRevision));
    }

    @Test
    void aHolderKilledWithSigkillIsFollowedWithinTheTtlAndABound() throws Exception {
        ChildJvm child = holder();
        long oldToken = token(child);
        long killedAt = System.nanoTime();

        child.kill();
        long revision = takeOverAndWrite(oldToken);

        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(HOLDER_TTL.plus(TAKEOVER_BOUND));
        assertNoOldWriteAfter(oldToken, revision);
    }

    @Test
    void aHolderFrozenPastItsTtlIsFollowedAndItsLateWritesAreRefused() throws Exception {
        ChildJvm child = holder();
        long oldToken = token(child);
        long pausedAt = System.nanoTime();

        child.pause();
        long revision = takeOverAndWrite(oldToken);
        assertThat(Duration.ofNanos(System.nanoTime() - pausedAt)).isLessThan(HOLDER_TTL.plus(TAKEOVER_BOUND));
        int seen = child.lines().size();
        child.resume();

        child.awaitLine(seen, line -> line.startsWith("REJECTED "), START);
        child.awaitLine(line -> line.startsWith("LOST reason=SESSION_LOST"), START);
        assertNoOldWriteAfter(oldToken, revision);
    }

    @Test
    void aHolderCutOffFromTheStoreReportsTheLossBeforeTheNextHoldersFirstWrite() throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        URI target = URI.create(ETCD.endpoint());
        try (TcpProxy proxy = TcpProxy.start(target.getHost(), target.getPort())) {
            ChildJvm child = holder(proxy.endpoint(), ttl);
            long oldToken = token(child);
            String marker = "markers/" + store.name();
            CompletableFuture<Long> relayed = CompletableFuture.supplyAsync(() -> {
                String line = child.awaitLine(l -> l.startsWith("LOST "), START);
                return store.direct().put(marker, line.getBytes(StandardCharsets.UTF_8), 0).join();
            }, runnable -> new Thread(runnable).start());
            long cutAt = System.nanoTime();

            proxy.cut();
            long revision = takeOverAndWrite(oldToken, ttl);

            assertThat(Duration.ofNanos(System.nanoTime() - cutAt)).isLessThan(ttl.plus(TAKEOVER_BOUND));
            assertThat(relayed.get(START.toSeconds(), TimeUnit.SECONDS)).isLessThan(revision);
            assertThat(store.direct().get(marker).get().orElseThrow().valueUtf8()).isEqualTo("LOST reason=SESSION_LOST");
            int seen = child.lines().size();
            proxy.heal();
            child.awaitLine(seen, line -> line.startsWith("REJECTED "), START);
            assertNoOldWriteAfter(oldToken, revision);
        }
    }
}
