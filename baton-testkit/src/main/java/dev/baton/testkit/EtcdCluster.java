package dev.baton.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N real etcd members (named {@code m0}, {@code m1}, ...) forming one cluster on loopback.
 *
 * <p>{@link #start(int)} returns once every member is healthy. Each member is an
 * {@link EtcdProcess}, so {@code member(i).kill()}, {@code pause()}, {@code resume()} and
 * {@code restart()} work per member; a restarted member rejoins from its data directory.
 * {@link #leaderIndex()} asks the members themselves who leads. {@link #close()} kills every
 * member and deletes their directories; it is idempotent.
 *
 * <p>Killing the leader makes writes fail (etcdctl: "context deadline exceeded") until the
 * others have elected a new one, about one election timeout later; a test that kills a member
 * and then writes should first call {@link #awaitHealthy(Duration)}.
 *
 * <pre>{@code
 * try (EtcdCluster cluster = EtcdCluster.start(3)) {
 *     int leader = cluster.leaderIndex();
 *     cluster.member(leader).kill();
 *     cluster.awaitHealthy(Duration.ofSeconds(30));   // the two others elect a new leader
 *     cluster.etcdctl("put", "k", "v");
 * }
 * }</pre>
 */
public final class EtcdCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdCluster.class);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(1);
    private static final int PORT_ATTEMPTS = 5;

    private final List<EtcdProcess> members;
    private boolean closed;

    private EtcdCluster(List<EtcdProcess> members) {
        this.members = List.copyOf(members);
    }

    /** Starts {@code members} members with default options and waits until all are healthy. */
    public static EtcdCluster start(int members) {
        return builder().members(members).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The client URLs of all members, in member order, running or not. */
    public List<String> endpoints() {
        return members.stream().map(EtcdProcess::endpoint).collect(Collectors.toUnmodifiableList());
    }

    /** The client URLs as one comma-separated string, the form etcdctl's {@code --endpoints} takes. */
    public String endpointList() {
        return String.join(",", endpoints());
    }

    /** The member with index {@code i}, named {@code m<i>}. */
    public EtcdProcess member(int i) {
        if (i < 0 || i >= members.size()) {
            throw new IndexOutOfBoundsException("member index " + i + " is not in 0.." + (members.size() - 1));
        }
        return members.get(i);
    }

    public List<EtcdProcess> members() {
        return members;
    }

    public int size() {
        return members.size();
    }

    /**
     * The index of the member that currently leads, or -1 when no running member answers as
     * leader (an election is in progress, or there is no quorum). Each running, unpaused member
     * is asked for its status ({@code POST /v3/maintenance/status}); a member leads when the
     * leader id it reports is its own. Should two claim it (an old leader that has not yet
     * noticed), the one with the higher raft term wins.
     */
    public int leaderIndex() {
        int leader = -1;
        long leaderTerm = -1;
        for (int i = 0; i < members.size(); i++) {
            EtcdProcess member = members.get(i);
            if (!member.isAlive() || member.isPaused()) {
                continue;
            }
            Optional<EtcdGateway.MemberStatus> status = EtcdGateway.status(member.endpoint(), STATUS_TIMEOUT);
            if (status.isPresent() && status.get().isLeader() && status.get().raftTerm() > leaderTerm) {
                leader = i;
                leaderTerm = status.get().raftTerm();
            }
        }
        return leader;
    }

    /**
     * Waits until every running, unpaused member answers {@code /health} with true, which
     * needs a quorum.
     *
     * @throws IllegalStateException naming the unhealthy members and their log tails on timeout
     */
    public void awaitHealthy(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        List<EtcdProcess> running = members.stream()
                .filter(member -> member.isAlive() && !member.isPaused())
                .collect(Collectors.toList());
        EtcdProcess.awaitAllHealthy(running, EtcdProcess.deadlineAfter(timeout), timeout, false);
    }

    /** Runs etcdctl against all members' endpoints; see {@link Etcdctl#run}. */
    public String etcdctl(String... args) {
        return Etcdctl.run(endpointList(), args);
    }

    /** Kills every member and deletes their directories. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(members);
    }

    @Override
    public String toString() {
        return "EtcdCluster" + members;
    }

    private static void closeAll(List<EtcdProcess> members) {
        RuntimeException failure = null;
        for (EtcdProcess member : members) {
            try {
                member.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Options for a cluster. Defaults: 3 members, no extra etcd flags, 60 seconds for all
     * members to become healthy.
     */
    public static final class Builder {
        private int members = 3;
        private final List<String> extraArgs = new ArrayList<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private IntUnaryOperator peerFront = IntUnaryOperator.identity();

        private Builder() {
        }

        /**
         * Makes members reach each other through a front of the caller's (a proxy that can
         * partition them): given the port a member listens on for peers, {@code front} returns
         * the port its peers are told to dial, which must forward to it. Called once per member
         * and start attempt; identity by default.
         */
        public Builder peerFront(IntUnaryOperator front) {
            this.peerFront = Objects.requireNonNull(front, "front");
            return this;
        }

        /** The number of members, 1 to 9. */
        public Builder members(int members) {
            if (members < 1 || members > 9) {
                throw new IllegalArgumentException("members must be in 1..9: " + members);
            }
            this.members = members;
            return this;
        }

        /** Flags appended to every member's command line, e.g. {@code --election-timeout=2000}. */
        public Builder extraArgs(String... args) {
            for (String arg : args) {
                extraArgs.add(Objects.requireNonNull(arg, "extraArgs element"));
            }
            return this;
        }

        /** How long the cluster, and each later member restart, may take to become healthy. */
        public Builder startTimeout(Duration startTimeout) {
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /** Starts every member and waits until all are healthy. */
        public EtcdCluster start() {
            long deadline = EtcdProcess.deadlineAfter(startTimeout);
            for (int attempt = 1; ; attempt++) {
                List<EtcdProcess> started = new ArrayList<>();
                try {
                    started.addAll(launchAll());
                    EtcdProcess.awaitAllHealthy(started, deadline, startTimeout, true);
                    EtcdCluster cluster = new EtcdCluster(started);
                    LOG.info("etcd cluster of {} started at {}", members, cluster.endpointList());
                    return cluster;
                } catch (EtcdProcess.PortTakenException e) {
                    closeAll(started);
                    if (attempt == PORT_ATTEMPTS) {
                        throw new IllegalStateException("etcd cluster found no free ports in " + PORT_ATTEMPTS
                                + " attempts: " + e.getMessage(), e);
                    }
                    LOG.info("etcd cluster: {}; retrying on other ports", e.getMessage());
                } catch (RuntimeException e) {
                    try {
                        closeAll(started);
                    } catch (RuntimeException closing) {
                        e.addSuppressed(closing);
                    }
                    throw e;
                }
            }
        }

        private List<EtcdProcess> launchAll() {
            int[] ports = FreePorts.pick(2 * members);
            String token = "baton-" + UUID.randomUUID();
            int[] advertised = IntStream.range(0, members).map(i -> peerFront.applyAsInt(ports[2 * i + 1])).toArray();
            String initialCluster = IntStream.range(0, members)
                    .mapToObj(i -> "m" + i + "=http://127.0.0.1:" + advertised[i])
                    .collect(Collectors.joining(","));
            List<EtcdProcess> processes = new ArrayList<>();
            try {
                for (int i = 0; i < members; i++) {
                    EtcdProcess member = EtcdProcess.builder()
                            .name("m" + i)
                            .extraArgs(extraArgs.toArray(String[]::new))
                            .startTimeout(startTimeout)
                            .build();
                    processes.add(member);
                    member.configure(ports[2 * i], ports[2 * i + 1], advertised[i], initialCluster, token);
                    member.launch();
                }
                return processes;
            } catch (RuntimeException e) {
                closeAll(processes);
                throw e;
            }
        }
    }
}
