package dev.baton.bench.election;

import dev.baton.election.Election;
import dev.baton.election.Leadership;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Baton's {@link Election} on etcd: each candidate is a member with its own connection and session. */
final class BatonElection implements ElectionSystem {
    private static final Duration CONNECTED = Duration.ofSeconds(30);

    private final String endpoint;
    private final Etcd counting;

    BatonElection(String endpoint) {
        this.endpoint = endpoint;
        this.counting = Etcd.builder().endpoints(endpoint).build();
    }

    @Override
    public String id() {
        return "baton";
    }

    @Override
    public String displayName() {
        return HandoverFigures.BATON;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public Candidate candidate(String election) throws Exception {
        return new Member(election);
    }

    @Override
    public int candidates(String election) throws Exception {
        return counting.range(KeyRange.prefix(election + "/")).get().kvs().size();
    }

    @Override
    public void close() {
        counting.close();
    }

    private final class Member implements Candidate {
        private final String election;
        private final Etcd etcd;
        private final Session session;
        private volatile CompletableFuture<Leadership> elected = new CompletableFuture<>();

        Member(String election) throws InterruptedException, ExecutionException, TimeoutException {
            this.election = election;
            this.etcd = Etcd.builder().endpoints(endpoint).build();
            try {
                this.session = Session.builder(etcd).ttl(SESSION_TIMEOUT).open();
                // The first grant of a JVM can outlast a short TTL; such a session starts LOST and renews itself.
                CompletableFuture<Void> connected = new CompletableFuture<>();
                session.addListener((state, lease) -> {
                    if (state == SessionState.CONNECTED && session.isValid()) {
                        connected.complete(null);
                    }
                });
                connected.get(CONNECTED.toSeconds(), TimeUnit.SECONDS);
            } catch (RuntimeException | InterruptedException | ExecutionException | TimeoutException e) {
                etcd.close();
                throw e;
            }
        }

        @Override
        public CompletableFuture<Long> campaign() {
            CompletableFuture<Leadership> won = Election.on(session, election).campaign("bench").elected();
            elected = won;
            return won.thenApply(leadership -> System.nanoTime());
        }

        @Override
        public CompletableFuture<Void> resign() {
            return elected.thenCompose(Leadership::resign);
        }

        @Override
        public void close() {
            try {
                session.close();
            } finally {
                etcd.close();
            }
        }
    }
}
