package dev.baton.server.differential;

import static dev.baton.server.differential.Requests.bytes;
import static dev.baton.server.differential.Requests.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * jetcd's Lock and Election clients, unchanged, against real etcd and the embedded server: the
 * same scenario on each (leases granted with fixed IDs, so keys are equal), transcripts of
 * keys, values, revisions and errors compared line by line. Waits are on conditions (a waiter's
 * key exists, an observer saw a value), never on time.
 */
class LockElectionDifferentialTest {
    private final Path etcdDir = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    final EtcdExtension etcd = new EtcdExtension(b -> b.dataDir(etcdDir));

    private ScratchServer embedded;

    @BeforeEach
    void start() {
        embedded = ScratchServer.start();
    }

    @AfterEach
    void stop() {
        embedded.close();
        FastTempDirs.delete(etcdDir);
    }

    private static ByteSequence seq(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String str(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** What a failed call threw, as jetcd reports it: the exception class and message. */
    private static String failure(CompletableFuture<?> future) {
        try {
            future.get(30, TimeUnit.SECONDS);
            return "no failure";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        } catch (Exception e) {
            return "unexpected " + e;
        }
    }

    private static void grant(Target target, long id) {
        target.lease().leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(600).build());
    }

    private static boolean exists(Target target, String key) {
        return target.kv().range(get(key).build()).getCount() == 1;
    }

    private List<String> onBoth(ScenarioStep scenario) throws Exception {
        List<List<String>> transcripts = new ArrayList<>();
        for (String endpoint : List.of(etcd.endpoint(), embedded.endpoint())) {
            try (Target target = new Target(endpoint.equals(etcd.endpoint()) ? "etcd" : "embedded", endpoint);
                 Client client = Client.builder().endpoints(endpoint).build()) {
                List<String> transcript = new ArrayList<>();
                scenario.run(target, client, transcript);
                transcripts.add(transcript);
            }
        }
        transcripts.get(1).forEach(line -> System.out.println("embedded: " + line));
        assertThat(transcripts.get(1)).isEqualTo(transcripts.get(0));
        return transcripts.get(0);
    }

    private interface ScenarioStep {
        void run(Target target, Client client, List<String> transcript) throws Exception;
    }

    @Test
    void lockIsHeldByTheLowestCreateRevisionAndPassesOnUnlockAndRevocation() throws Exception {
        onBoth((target, client, out) -> {
            Lock lock = client.getLockClient();
            grant(target, 0x1001);
            grant(target, 0x1002);
            grant(target, 0x1003);
            LockResponse first = join(lock.lock(seq("lk"), 0x1001));
            out.add("first holds " + str(first.getKey()) + " at " + first.getHeader().getRevision());
            LockResponse again = join(lock.lock(seq("lk"), 0x1001));
            out.add("same lease again holds " + str(again.getKey()) + " at " + again.getHeader().getRevision());

            CompletableFuture<LockResponse> second = lock.lock(seq("lk"), 0x1002);
            await().atMost(Duration.ofSeconds(30)).until(() -> exists(target, "lk/1002"));
            out.add("second waits: " + !second.isDone());
            CompletableFuture<LockResponse> third = lock.lock(seq("lk"), 0x1003);
            await().atMost(Duration.ofSeconds(30)).until(() -> exists(target, "lk/1003"));

            out.add("unlock at " + join(lock.unlock(first.getKey())).getHeader().getRevision());
            LockResponse secondHolds = join(second);
            out.add("second holds " + str(secondHolds.getKey()) + " at " + secondHolds.getHeader().getRevision()
                    + ", third waits: " + !third.isDone());

            target.lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(0x1002).build());
            LockResponse thirdHolds = join(third);
            out.add("after revoking the holder's lease third holds " + str(thirdHolds.getKey()) + " at "
                    + thirdHolds.getHeader().getRevision());
            out.add("unlock of a key nobody holds at " + join(lock.unlock(seq("lk/nobody"))).getHeader().getRevision());
        });
    }

    @Test
    void lockOnAMissingLeaseFailsAsInEtcd() throws Exception {
        onBoth((target, client, out) -> out.add(failure(client.getLockClient().lock(seq("lk"), 0x7777))));
    }

    @Test
    void aWaiterThatGivesUpLeavesNoKey() throws Exception {
        onBoth((target, client, out) -> {
            grant(target, 0x1001);
            grant(target, 0x1002);
            Lock lock = client.getLockClient();
            join(lock.lock(seq("gu"), 0x1001));
            Context.CancellableContext call = Context.current().withCancellation();
            call.run(() -> LockGrpc.newStub(target.channel).lock(LockRequest.newBuilder().setName(bytes("gu"))
                    .setLease(0x1002).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(io.etcd.jetcd.api.lock.LockResponse value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    }));
            await().atMost(Duration.ofSeconds(30)).until(() -> exists(target, "gu/1002"));
            call.cancel(null);
            await("the key of the cancelled waiter on " + target).atMost(Duration.ofSeconds(30))
                    .until(() -> !exists(target, "gu/1002"));
            out.add("the waiter's key is deleted; the holder's remains: " + exists(target, "gu/1001"));
        });
    }

    @Test
    void aCandidateThatGivesUpResignsAndCallsWithoutALeaderKeyAreRefused() throws Exception {
        onBoth((target, client, out) -> {
            grant(target, 0x2001);
            grant(target, 0x2002);
            join(client.getElectionClient().campaign(seq("gv"), 0x2001, seq("a")));
            Context.CancellableContext call = Context.current().withCancellation();
            call.run(() -> ElectionGrpc.newStub(target.channel).campaign(CampaignRequest.newBuilder()
                    .setName(bytes("gv")).setLease(0x2002).setValue(bytes("b")).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(io.etcd.jetcd.api.CampaignResponse value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    }));
            await().atMost(Duration.ofSeconds(30)).until(() -> exists(target, "gv/2002"));
            call.cancel(null);
            await("the key of the cancelled candidate on " + target).atMost(Duration.ofSeconds(30))
                    .until(() -> !exists(target, "gv/2002"));
            out.add("the candidate's key is deleted; the leader's remains: " + exists(target, "gv/2001"));
            var stub = ElectionGrpc.newBlockingStub(target.channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            out.add("proclaim without a leader key: " + Outcome.of(() -> stub.proclaim(ProclaimRequest.newBuilder()
                    .setValue(bytes("x")).build())));
            out.add("resign without a leader key: " + Outcome.of(() -> stub.resign(ResignRequest.getDefaultInstance())));
            out.add("leader of a missing election: " + Outcome.of(() -> stub.leader(LeaderRequest.newBuilder()
                    .setName(bytes("nothing")).build())));
        });
    }

    @Test
    void electionCampaignProclaimResignLeaderAndObserve() throws Exception {
        onBoth((target, client, out) -> {
            Election election = client.getElectionClient();
            grant(target, 0x2001);
            grant(target, 0x2002);
            out.add("leader of an empty election: " + failure(election.leader(seq("el"))));

            List<String> observed = new CopyOnWriteArrayList<>();
            election.observe(seq("el"), new Election.Listener() {
                @Override
                public void onNext(LeaderResponse response) {
                    observed.add(str(response.getKv().getKey()) + "=" + str(response.getKv().getValue()) + " mod "
                            + response.getKv().getModRevision() + " header " + response.getHeader().getRevision());
                }

                @Override
                public void onError(Throwable throwable) {
                    observed.add("error " + throwable);
                }

                @Override
                public void onCompleted() {
                    observed.add("completed");
                }
            });

            CampaignResponse won = join(election.campaign(seq("el"), 0x2001, seq("a")));
            Function<LeaderKey, String> show = k -> str(k.getName()) + " " + str(k.getKey()) + " rev "
                    + k.getRevision() + " lease " + Long.toHexString(k.getLease());
            out.add("first elected: " + show.apply(won.getLeader()) + " at " + won.getHeader().getRevision());
            await().atMost(Duration.ofSeconds(30)).until(() -> observed.stream().anyMatch(o -> o.startsWith("el/2001=a")));

            CompletableFuture<CampaignResponse> second = election.campaign(seq("el"), 0x2002, seq("b"));
            await().atMost(Duration.ofSeconds(30)).until(() -> exists(target, "el/2002"));
            out.add("second waits: " + !second.isDone());

            out.add("proclaim at " + join(election.proclaim(won.getLeader(), seq("a2"))).getHeader().getRevision());
            LeaderKey stale = new LeaderKey(won.getLeader().getName(), won.getLeader().getKey(), 1, 0x2001);
            out.add("proclaim with a stale key: " + failure(election.proclaim(stale, seq("x"))));
            LeaderResponse leader = join(election.leader(seq("el")));
            out.add("leader: " + str(leader.getKv().getKey()) + "=" + str(leader.getKv().getValue()) + " at "
                    + leader.getHeader().getRevision());

            CampaignResponse again = join(election.campaign(seq("el"), 0x2001, seq("a3")));
            out.add("campaign again on the same lease: " + show.apply(again.getLeader()) + " at "
                    + again.getHeader().getRevision());

            out.add("resign at " + join(election.resign(won.getLeader())).getHeader().getRevision());
            CampaignResponse secondWon = join(second);
            out.add("second elected: " + show.apply(secondWon.getLeader()) + " at "
                    + secondWon.getHeader().getRevision());
            out.add("resign with a stale key at " + join(election.resign(stale)).getHeader().getRevision());
            await().atMost(Duration.ofSeconds(30)).until(() -> observed.stream().anyMatch(o -> o.startsWith("el/2002=b")));
            out.add("observed: " + observed);
        });
    }
}
