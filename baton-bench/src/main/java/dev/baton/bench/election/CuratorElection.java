package dev.baton.bench.election;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;

/**
 * Apache Curator's {@link LeaderLatch} on ZooKeeper, as a Curator user would write it: one
 * client per candidate with a {@value #SESSION_MILLIS} ms session, a latch whose listener says
 * when it leads, and {@code close()} to resign (a latch cannot campaign twice, so each campaign
 * is a new latch on the same client).
 */
final class CuratorElection implements ElectionSystem {
    static final int SESSION_MILLIS = (int) SESSION_TIMEOUT.toMillis();
    private static final Duration CONNECTED = Duration.ofSeconds(30);

    private final String connectString;
    private final CuratorFramework counting;

    CuratorElection(String connectString) {
        this.connectString = connectString;
        this.counting = connect(connectString);
    }

    /** A started client with a {@value #SESSION_MILLIS} ms session, connected. */
    static CuratorFramework connect(String connectString) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(SESSION_MILLIS)
                .connectionTimeoutMs(SESSION_MILLIS)
                .retryPolicy(new ExponentialBackoffRetry(100, 5))
                .build();
        client.start();
        try {
            if (!client.blockUntilConnected((int) CONNECTED.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("no connection to ZooKeeper at " + connectString + " within " + CONNECTED);
            }
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to ZooKeeper at " + connectString, e);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    @Override
    public String id() {
        return "curator";
    }

    @Override
    public String displayName() {
        return "Curator LeaderLatch";
    }

    @Override
    public String endpoint() {
        return connectString;
    }

    @Override
    public Candidate candidate(String election) {
        return new LatchHolder(path(election));
    }

    @Override
    public int candidates(String election) throws Exception {
        try {
            return counting.getChildren().forPath(path(election)).size();
        } catch (KeeperException.NoNodeException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        counting.close();
    }

    private static String path(String election) {
        return "/" + election;
    }

    private final class LatchHolder implements Candidate {
        private final String path;
        private final CuratorFramework client;
        private LeaderLatch latch;

        LatchHolder(String path) {
            this.path = path;
            this.client = connect(connectString);
        }

        @Override
        public synchronized CompletableFuture<Long> campaign() {
            CompletableFuture<Long> elected = new CompletableFuture<>();
            latch = new LeaderLatch(client, path, "bench");
            latch.addListener(new LeaderLatchListener() {
                @Override
                public void isLeader() {
                    elected.complete(System.nanoTime());
                }

                @Override
                public void notLeader() {
                }
            });
            try {
                latch.start();
            } catch (Exception e) {
                elected.completeExceptionally(e);
            }
            return elected;
        }

        /** Closing the latch deletes its node in the background; the store has it shortly after. */
        @Override
        public synchronized CompletableFuture<Void> resign() {
            try {
                latch.close();
                return CompletableFuture.completedFuture(null);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public synchronized void close() {
            client.close();
        }
    }
}
