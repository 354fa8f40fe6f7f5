package dev.baton.bench.election;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jetcd's own election client, i.e. etcd's server-side election service, as a jetcd user would
 * write it: a lease granted and kept alive by jetcd, a campaign that returns when the candidate
 * leads, a resignation.
 */
final class JetcdElection implements ElectionSystem {
    private static final Logger LOG = LoggerFactory.getLogger(JetcdElection.class);
    private static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(5);

    private final String endpoint;
    private final Etcd counting;

    JetcdElection(String endpoint) {
        this.endpoint = endpoint;
        this.counting = Etcd.builder().endpoints(endpoint).build();
    }

    @Override
    public String id() {
        return "jetcd";
    }

    @Override
    public String displayName() {
        return "jetcd Election";
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public Candidate candidate(String election) {
        return new LeaseHolder(election);
    }

    @Override
    public int candidates(String election) throws Exception {
        return counting.range(KeyRange.prefix(election + "/")).get().kvs().size();
    }

    @Override
    public void close() {
        counting.close();
    }

    private final class LeaseHolder implements Candidate {
        private final ByteSequence election;
        private final Client client;
        private final long lease;
        private final CloseableClient keepAlive;
        private volatile CompletableFuture<LeaderKey> elected = new CompletableFuture<>();
        private boolean closed;

        LeaseHolder(String election) {
            this.election = bytes(election);
            this.client = Client.builder().endpoints(endpoint).build();
            try {
                this.lease = client.getLeaseClient().grant(SESSION_TIMEOUT.toSeconds()).join().getID();
                this.keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<LeaseKeepAliveResponse>() {
                    @Override
                    public void onNext(LeaseKeepAliveResponse response) {
                    }

                    @Override
                    public void onError(Throwable error) {
                        LOG.warn("jetcd keep-alive of lease {} failed", Long.toHexString(lease), error);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
        }

        @Override
        public CompletableFuture<Long> campaign() {
            CompletableFuture<LeaderKey> won = client.getElectionClient().campaign(election, lease, bytes("bench"))
                    .thenApply(response -> response.getLeader());
            elected = won;
            return won.thenApply(leader -> System.nanoTime());
        }

        @Override
        public CompletableFuture<Void> resign() {
            return elected.thenCompose(leader -> client.getElectionClient().resign(leader)).thenApply(response -> null);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            keepAlive.close();
            try {
                client.getLeaseClient().revoke(lease).get(REVOKE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("revoking lease {} failed; it expires by itself", Long.toHexString(lease), e);
            } finally {
                client.close();
            }
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
