package dev.baton.chaos.fault;

import dev.baton.chaos.history.Fault;
import dev.baton.etcd.Etcd;
import dev.baton.testkit.EtcdProcess;
import dev.baton.testkit.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of fault. {@link #inject} does it once, holds it, ends it (resume, heal, restart) and
 * returns what it did; the run calls it repeatedly at random intervals.
 */
public enum Nemesis {
    /** kill -9 of a random worker, restarted two seconds later as a new incarnation. */
    WORKER_KILL("worker-kill", Restarts.WORKER) {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            int i = random.nextInt(fleet.size());
            String member = fleet.member(i);
            long injected = System.nanoTime();
            fleet.kill(i);
            Thread.sleep(2_000);
            fleet.restart(i);
            return List.of(new Fault(name, member, injected, injected, false));
        }
    },
    /** SIGSTOP of a random worker for its TTL + 2 s, then SIGCONT. */
    WORKER_PAUSE("worker-pause") {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            return isolateRandomWorker(name, fleet, random, ttl, fleet::pause, fleet::resume);
        }
    },
    /** A random worker cut from the store by its proxies for its TTL + 2 s, then healed. */
    WORKER_CUT("worker-cut") {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            return isolateRandomWorker(name, fleet, random, ttl, fleet::cut, fleet::heal);
        }
    },
    /**
     * A random worker half cut off for its TTL + 2 s, then healed: its proxies hold either the
     * store's answers (its requests, lease keep-alives among them, still arrive) or its requests
     * (it still receives what the store sends, watch events among them).
     */
    WORKER_HALF_PARTITION("worker-half-partition") {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            TcpProxy.Direction direction = random.nextBoolean() ? TcpProxy.Direction.TO_CLIENT
                    : TcpProxy.Direction.TO_TARGET;
            return isolateRandomWorker(name, fleet, random, ttl, i -> fleet.freeze(i, direction), fleet::heal);
        }
    },
    /** kill -9 of the etcd leader; restarted on its data directory three seconds later. */
    ETCD_LEADER_KILL("etcd-leader-kill") {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            return holdOnLeader(name, store, Duration.ofSeconds(3), (cluster, leader) -> leader.kill(),
                    (cluster, leader) -> leader.restart());
        }
    },
    /** SIGSTOP of the etcd leader for the workers' TTL + 1 s, then SIGCONT. */
    ETCD_LEADER_PAUSE("etcd-leader-pause") {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            return holdOnLeader(name, store, ttl.plusSeconds(1), (cluster, leader) -> leader.pause(),
                    (cluster, leader) -> leader.resume());
        }
    },
    /**
     * The etcd leader partitioned from both its peers for the workers' TTL + 2 s, then healed: it
     * still reaches every worker, as the minority side of a partition would, while the majority
     * elects a new leader. The store is out until that election is over: from then on the
     * isolated member refuses calls (they require a leader) and clients move to the majority.
     * Without pre-vote (etcd 3.4's default) the isolated member campaigns in ever higher terms and
     * its return at the heal deposes the majority's leader: that second election is a store
     * outage too, recorded as a fault of its own ({@link #HEAL_ELECTION}) from the heal until
     * every member names the same leader again.
     */
    ETCD_PARTITION("etcd-partition") {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            Logger log = LoggerFactory.getLogger(Nemesis.class);
            EtcdClusterStore cluster = (EtcdClusterStore) store;
            EtcdProcess leader = cluster.leader();
            long injected = System.nanoTime();
            cluster.isolate(leader);
            EtcdProcess newLeader = cluster.awaitOtherLeader(leader);
            long elected = System.nanoTime();
            long electedTerm = cluster.term(newLeader);
            log.debug("{} of {}: the majority elected a leader (term {}) after {} ms", name, leader.name(), electedTerm,
                    (elected - injected) / 1_000_000);
            Thread.sleep(Math.max(0, ttl.plusSeconds(2).toMillis() - (System.nanoTime() - injected) / 1_000_000));
            cluster.healPartitions();
            long healed = System.nanoTime();
            long agreedTerm = cluster.awaitAgreedLeader();
            long agreed = System.nanoTime();
            log.debug("{} of {}: healed after {} ms; every member names one leader (term {}) {} ms after the heal", name,
                    leader.name(), (healed - injected) / 1_000_000, agreedTerm, (agreed - healed) / 1_000_000);
            cluster.awaitHealthy();
            Fault partition = new Fault(name, leader.name(), injected, elected, true, true);
            return agreedTerm == electedTerm ? List.of(partition)
                    : List.of(partition, new Fault(HEAL_ELECTION, leader.name(), healed, agreed, true, true));
        }
    },
    /** kill -9 of the embedded server, started again on the same data directory a second later. */
    SERVER_KILL("server-kill", Restarts.SERVER) {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            EmbeddedServerStore server = (EmbeddedServerStore) store;
            long injected = System.nanoTime();
            server.kill();
            Thread.sleep(1_000);
            server.restart();
            return List.of(new Fault(name, "server", injected, System.nanoTime(), true));
        }
    },
    /**
     * Five kills of the embedded server 1–3 s apart, each followed at once by a restart on the same
     * data directory (a kill waits for the restart before it, so a slow start stretches the gap):
     * a crash-looping store, which makes gRPC's reconnect backoff grow from outage to outage.
     */
    SERVER_KILL_BURST("server-kill-burst", Restarts.SERVER) {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            EmbeddedServerStore server = (EmbeddedServerStore) store;
            long injected = System.nanoTime();
            long kill = injected;
            for (int k = 0; k < BURST_KILLS; k++) {
                Thread.sleep(Math.max(0, (kill - System.nanoTime()) / 1_000_000));
                kill = System.nanoTime();
                server.kill();
                server.restart();
                kill += (1_000 + random.nextInt(2_000)) * 1_000_000L;
            }
            return List.of(new Fault(name, "server", injected, System.nanoTime(), true));
        }
    },
    /**
     * The embedded server's disk full for the workers' TTL + 2 s: writes must be refused with an
     * error naming the failed log write while reads are still answered, and a refused write must
     * not be read back (a probe checks all three, and the run fails if any is not so). Then space
     * returns: the same server process must take writes again within
     * {@link #DISK_RESUME_TIMEOUT}, and is then restarted on its data directory: it must start on
     * the log the full disk cut short, with every acknowledged write.
     */
    SERVER_DISK_FULL("server-disk-full", Restarts.SERVER) {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) throws InterruptedException {
            EmbeddedServerStore server = (EmbeddedServerStore) store;
            long injected = System.nanoTime();
            server.fillDisk(random.nextInt(DISK_SLACK_BYTES));
            try (DiskProbe probe = new DiskProbe(store)) {
                probe.writeUntilRefused();
                Thread.sleep(Math.max(0, ttl.plusSeconds(2).toMillis() - (System.nanoTime() - injected) / 1_000_000));
                server.freeDisk();
                probe.awaitWritesTaken();
            }
            server.restart();
            return List.of(new Fault(name, "server", injected, System.nanoTime(), true));
        }
    },
    /** Every worker in turn: SIGTERM (a graceful leave), then a new incarnation once it is gone. */
    ROLLING_RESTART("rolling-restart", Restarts.WORKER) {
        @Override
        public List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl) {
            List<Fault> faults = new ArrayList<>();
            for (int i = 0; i < fleet.size(); i++) {
                String member = fleet.member(i);
                long injected = System.nanoTime();
                fleet.terminate(i);
                faults.add(new Fault(name, member, injected, injected, false));
                fleet.restart(i);
            }
            return faults;
        }
    };

    /** The fault {@link #ETCD_PARTITION} records when its heal cost the cluster an election. */
    public static final String HEAL_ELECTION = "etcd-partition-heal-election";

    /** How many times {@link #SERVER_KILL_BURST} kills the server. */
    static final int BURST_KILLS = 5;

    /** {@link #SERVER_DISK_FULL} lets a file grow by less than this before the disk is full. */
    static final int DISK_SLACK_BYTES = 512;
    /** How long the server may take to write again once space has returned. */
    static final Duration DISK_RESUME_TIMEOUT = Duration.ofSeconds(20);

    /** Which process whose resources a run samples a nemesis ends and starts anew, if any. */
    public enum Restarts { NONE, WORKER, SERVER }

    final String name;
    private final Restarts restarts;

    Nemesis(String name) {
        this(name, Restarts.NONE);
    }

    Nemesis(String name, Restarts restarts) {
        this.name = name;
        this.restarts = restarts;
    }

    /**
     * Which sampled process (a worker, the embedded server) it ends and starts anew: a process is
     * judged only over a stretch it lives through, so the soak injects these outside that stretch.
     */
    public Restarts restarts() {
        return restarts;
    }

    /** The scenario name of this fault, e.g. {@code worker-kill}. */
    public String label() {
        return name;
    }

    /**
     * Does the fault once on a target chosen with {@code random}, holds it, ends it; returns the
     * faults as the history records them.
     */
    public abstract List<Fault> inject(Fleet fleet, StoreTarget store, Random random, Duration ttl)
            throws InterruptedException;

    /** The messages of {@code error} and its causes, outermost first. */
    static String messages(Throwable error) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return String.join(" <- ", messages);
    }

    /** What a nemesis does to the etcd leader, or undoes. */
    private interface LeaderAction {
        void apply(EtcdClusterStore cluster, EtcdProcess leader) throws InterruptedException;
    }

    /**
     * Starts a fault on the current etcd leader, holds it until {@code hold} after it began, ends
     * it and waits until the cluster is healthy. The fleet's recovery is measured from the start.
     */
    private static List<Fault> holdOnLeader(String name, StoreTarget store, Duration hold, LeaderAction start,
                                            LeaderAction end) throws InterruptedException {
        EtcdClusterStore cluster = (EtcdClusterStore) store;
        EtcdProcess leader = cluster.leader();
        long injected = System.nanoTime();
        start.apply(cluster, leader);
        Thread.sleep(Math.max(0, hold.toMillis() - (System.nanoTime() - injected) / 1_000_000));
        end.apply(cluster, leader);
        cluster.awaitHealthy();
        return List.of(new Fault(name, leader.name(), injected, injected, true));
    }

    /**
     * Cuts a random worker off (paused, or its connections reset) for its TTL + 2 s, long enough
     * for its lease to expire, then lets it back.
     */
    private static List<Fault> isolateRandomWorker(String name, Fleet fleet, Random random, Duration ttl,
                                                   IntConsumer isolate, IntConsumer release)
            throws InterruptedException {
        int i = random.nextInt(fleet.size());
        String member = fleet.member(i);
        long injected = System.nanoTime();
        isolate.accept(i);
        Thread.sleep(ttl.plusSeconds(2).toMillis());
        release.accept(i);
        return List.of(new Fault(name, member, injected, System.nanoTime(), false));
    }
}
