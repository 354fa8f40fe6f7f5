package dev.baton.election;

import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A leader for {@link ElectionHandoverBenchmark}'s crash trials, in its own JVM so it can be
 * killed with {@code -9}: it campaigns with Baton's {@link Election} or with jetcd's own election
 * client, prints {@code ELECTED <key>} once it leads, and then holds the leadership (keeping its
 * lease alive) until it is killed.
 *
 * <p>Arguments: {@code baton|jetcd endpoint election ttl-seconds}.
 */
public final class HandoverCandidateMain {
    private HandoverCandidateMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !List.of("baton", "jetcd").contains(args[0])) {
            throw new IllegalArgumentException("usage: baton|jetcd endpoint election ttl-seconds, got " + List.of(args));
        }
        String endpoint = args[1];
        String election = args[2];
        long ttl = Long.parseLong(args[3]);
        String key = args[0].equals("baton") ? campaignWithBaton(endpoint, election, ttl) : campaignWithJetcd(endpoint, election, ttl);
        System.out.println("ELECTED " + key);
        System.out.flush();
        Thread.currentThread().join();
    }

    private static String campaignWithBaton(String endpoint, String election, long ttl) throws Exception {
        Etcd etcd = Etcd.builder().endpoints(endpoint).build();
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(ttl)).open();
        // The first grant of a JVM can outlast a short TTL; the session then renews itself.
        await().atMost(Duration.ofSeconds(30)).until(session::isValid);
        return Election.on(session, election).campaign("crash-leader", Duration.ofMinutes(5)).key();
    }

    private static String campaignWithJetcd(String endpoint, String election, long ttl) throws Exception {
        Client client = Client.builder().endpoints(endpoint).build();
        long lease = client.getLeaseClient().grant(ttl).get().getID();
        client.getLeaseClient().keepAlive(lease, new StreamObserver<LeaseKeepAliveResponse>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
            }

            @Override
            public void onError(Throwable error) {
                System.out.println("KEEPALIVE-FAILED " + error);
            }

            @Override
            public void onCompleted() {
            }
        });
        return client.getElectionClient()
                .campaign(bytes(election), lease, bytes("crash-leader"))
                .get().getLeader().getKey().toString(StandardCharsets.UTF_8);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
