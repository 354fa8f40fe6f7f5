package dev.baton.election;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * Leader handover, measured on a real etcd: from the event (a resignation, or {@code kill -9} of
 * the leader's JVM) to the moment the next leader's first write fenced by its new token is
 * accepted. Each figure is taken over {@code trials} trials (default 20) with session TTLs of 2 s
 * and 5 s, for Baton's {@link Election} and, on the same etcd in the same run, for jetcd's own
 * election client (etcd's server-side election service) with a jetcd lease kept alive by jetcd.
 * Percentiles are nearest-rank: with 20 trials p99 is the slowest one.
 *
 * <p>Baton's and jetcd's trials alternate one by one, so on a shared machine both meet the same
 * load. Resign trials run both candidates in this JVM; three warm-up trials per client are not
 * counted. Before each event the waiting candidate is given 500 ms to set up its watch. Crash trials run the leader in a child JVM ({@link HandoverCandidateMain}) and the
 * successor here; every instant is taken in this JVM, just before the signal and when the fenced
 * write is answered. The next crash leader's JVM starts after each measurement, so its start-up
 * never competes with one.
 *
 * <p>Run it (after {@code mvn -B -q install -DskipTests} so the test classpath resolves):
 * <pre>
 * mvn -B -q -pl baton-core exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.baton.election.ElectionHandoverBenchmark [-Dexec.args="TRIALS [DIR]"]
 * </pre>
 * With {@code DIR} (for instance {@code /dev/shm}) etcd keeps its data in a new directory there,
 * to take the disk out of the figures; by default it uses a temporary directory.
 */
public final class ElectionHandoverBenchmark {
    private static final int WARM_UP = 3;
    private static final Duration SETTLE = Duration.ofMillis(500);
    private static final Duration ELECTED = Duration.ofSeconds(60);
    private static final List<String> CLIENTS = List.of("baton", "jetcd");
    private static final AtomicInteger RIGS = new AtomicInteger();

    private final EtcdProcess etcd;
    private final Etcd direct;
    private final int trials;

    private ElectionHandoverBenchmark(EtcdProcess etcd, Etcd direct, int trials) {
        this.etcd = etcd;
        this.direct = direct;
        this.trials = trials;
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trials);
        }
        EtcdProcess.Builder etcdOptions = EtcdProcess.builder();
        Path dataDir = null;
        if (args.length > 1) {
            dataDir = Files.createTempDirectory(Path.of(args[1]), "baton-bench-etcd-");
            etcdOptions.dataDir(dataDir);
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.baton")).setLevel(Level.WARN);
        exposeClasspathToChildJvms();
        List<Figures> figures = new ArrayList<>();
        try (EtcdProcess etcd = etcdOptions.start(); Etcd direct = Etcd.builder().endpoints(etcd.endpoint()).build()) {
            System.out.println("etcd data directory: " + etcd.dataDir());
            ElectionHandoverBenchmark benchmark = new ElectionHandoverBenchmark(etcd, direct, trials);
            for (int ttl : new int[] {2, 5}) {
                figures.addAll(benchmark.resignTrials(ttl));
                figures.addAll(benchmark.crashTrials(ttl));
            }
        }
        if (dataDir != null) {
            deleteRecursively(dataDir);
        }
        System.out.println();
        System.out.println(table(figures, trials));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private List<Figures> resignTrials(int ttl) throws Exception {
        return alternate("resign", ttl, WARM_UP, ResignRig::new);
    }

    private List<Figures> crashTrials(int ttl) throws Exception {
        return alternate("kill -9", ttl, 0, CrashRig::new);
    }

    /**
     * Runs Baton's and jetcd's trials alternately, one by one, so both see the same conditions on
     * a shared machine, until each has {@code trials} samples after {@code warmUp} uncounted ones.
     * A trial that fails (a lease lost to an overloaded machine) is counted as a failure, and the
     * client's rig is rebuilt on a fresh election.
     */
    private List<Figures> alternate(String event, int ttl, int warmUp, RigFactory factory) throws Exception {
        Map<String, Rig> rigs = new LinkedHashMap<>();
        Map<String, List<Long>> samples = new LinkedHashMap<>();
        Map<String, Integer> runs = new LinkedHashMap<>();
        Map<String, Integer> failures = new LinkedHashMap<>();
        try {
            for (String client : CLIENTS) {
                rigs.put(client, factory.open(client, ttl));
                samples.put(client, new ArrayList<>());
                runs.put(client, 0);
                failures.put(client, 0);
            }
            while (samples.values().stream().anyMatch(taken -> taken.size() < trials)) {
                for (String client : CLIENTS) {
                    if (samples.get(client).size() >= trials) {
                        continue;
                    }
                    try {
                        long sample = rigs.get(client).trial();
                        if (runs.merge(client, 1, Integer::sum) > warmUp) {
                            samples.get(client).add(sample);
                        }
                    } catch (Exception e) {
                        int failed = failures.merge(client, 1, Integer::sum);
                        System.out.println(client + " ttl " + ttl + " s " + event + ": trial failed (" + e + ")");
                        if (failed > trials) {
                            throw new IllegalStateException(client + " failed " + failed + " " + event + " trials", e);
                        }
                        closeQuietly(rigs.get(client));
                        rigs.put(client, factory.open(client, ttl));
                    }
                }
            }
        } finally {
            rigs.values().forEach(ElectionHandoverBenchmark::closeQuietly);
        }
        List<Figures> figures = new ArrayList<>();
        for (String client : CLIENTS) {
            figures.add(report(new Figures(client, ttl, event, samples.get(client), failures.get(client))));
        }
        return figures;
    }

    private static void closeQuietly(Rig rig) {
        try {
            rig.close();
        } catch (Exception e) {
            System.out.println("closing a rig failed: " + e);
        }
    }

    /** One client's set-up for one kind of trial; each trial returns one handover in nanoseconds. */
    private interface Rig extends AutoCloseable {
        long trial() throws Exception;
    }

    @FunctionalInterface
    private interface RigFactory {
        Rig open(String client, int ttl) throws Exception;
    }

    /** Two candidates of one client in this JVM taking turns: each trial is one handover by resignation. */
    private final class ResignRig implements Rig {
        private final String election;
        private Contender leading;
        private Contender waiting;
        private Term leader;

        ResignRig(String client, int ttl) throws Exception {
            this.election = "bench/resign-" + client + "-" + ttl + "-" + RIGS.incrementAndGet();
            this.leading = contender(client, ttl);
            this.waiting = contender(client, ttl);
            this.leader = leading.campaign(election).get(ELECTED.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public long trial() throws Exception {
            CompletableFuture<Term> next = waiting.campaign(election);
            awaitCandidates(election, 2);
            long resignedAt = System.nanoTime();
            CompletableFuture<Void> resigned = leader.resign();
            Term won = next.get(ELECTED.toSeconds(), TimeUnit.SECONDS);
            won.fencedWrite(election);
            long handover = System.nanoTime() - resignedAt;
            resigned.get(ELECTED.toSeconds(), TimeUnit.SECONDS);
            leader = won;
            Contender swap = leading;
            leading = waiting;
            waiting = swap;
            return handover;
        }

        @Override
        public void close() throws Exception {
            try {
                leader.resign().get(ELECTED.toSeconds(), TimeUnit.SECONDS);
            } finally {
                leading.close();
                waiting.close();
            }
        }
    }

    /** A leader of one client in a child JVM and its successor in this JVM: each trial kills the leader. */
    private final class CrashRig implements Rig {
        private final String client;
        private final int ttl;
        private final String election;
        private final Contender successor;
        private ChildJvm leader;

        CrashRig(String client, int ttl) {
            this.client = client;
            this.ttl = ttl;
            this.election = "bench/crash-" + client + "-" + ttl + "-" + RIGS.incrementAndGet();
            this.successor = contender(client, ttl);
            this.leader = crashLeader(client, election, ttl);
            leader.awaitLine("^ELECTED ", ELECTED);
        }

        @Override
        public long trial() throws Exception {
            CompletableFuture<Term> next = successor.campaign(election);
            awaitCandidates(election, 2);
            long killedAt = System.nanoTime();
            leader.kill();
            Term won = next.get(ELECTED.toSeconds(), TimeUnit.SECONDS);
            won.fencedWrite(election);
            long handover = System.nanoTime() - killedAt;
            leader.close();
            // The next crash leader starts only now, so its JVM start never competes with a measurement.
            leader = crashLeader(client, election, ttl);
            awaitCandidates(election, 2);
            won.resign().get(ELECTED.toSeconds(), TimeUnit.SECONDS);
            leader.awaitLine("^ELECTED ", ELECTED);
            return handover;
        }

        @Override
        public void close() {
            try {
                leader.close();
            } finally {
                successor.close();
            }
        }
    }

    private ChildJvm crashLeader(String client, String election, int ttl) {
        return ChildJvm.builder(HandoverCandidateMain.class)
                .jvmArgs("-Xmx128m")
                .args(client, etcd.endpoint(), election, Integer.toString(ttl))
                .start();
    }

    /** Waits until {@code count} candidates exist, then lets the newest one set up its watch. */
    private void awaitCandidates(String election, int count) throws InterruptedException {
        await().atMost(ELECTED).pollInterval(Duration.ofMillis(10))
                .until(() -> direct.range(KeyRange.prefix(election + "/")).get().kvs().size() == count);
        TimeUnit.MILLISECONDS.sleep(SETTLE.toMillis());
    }

    private Contender contender(String client, int ttl) {
        return client.equals("baton") ? new BatonContender(etcd.endpoint(), ttl) : new JetcdContender(etcd.endpoint(), ttl);
    }

    private static Figures report(Figures figures) {
        System.out.printf(Locale.ROOT, "%-6s ttl %d s %-8s p50 %8.1f ms  p99 %8.1f ms  failed trials %d  all (ms): %s%n",
                figures.client(), figures.ttl(), figures.event(), figures.p50(), figures.p99(), figures.failures(),
                figures.samples().stream().sorted().map(nanos -> String.format(Locale.ROOT, "%.1f", nanos / 1e6)).toList());
        return figures;
    }

    private static String table(List<Figures> figures, int trials) {
        StringBuilder out = new StringBuilder();
        out.append("| TTL | event | Baton p50 | Baton p99 | jetcd p50 | jetcd p99 | jetcd/Baton p50 | jetcd/Baton p99 "
                + "| failed trials Baton / jetcd |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Figures baton : figures) {
            if (!baton.client().equals("baton")) {
                continue;
            }
            Figures jetcd = figures.stream().filter(f -> f.client().equals("jetcd") && f.ttl() == baton.ttl()
                    && f.event().equals(baton.event())).findFirst().orElseThrow();
            out.append(String.format(Locale.ROOT, "| %d s | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2f | %.2f | %d / %d |%n",
                    baton.ttl(), baton.event(), baton.p50(), baton.p99(), jetcd.p50(), jetcd.p99(),
                    jetcd.p50() / baton.p50(), jetcd.p99() / baton.p99(), baton.failures(), jetcd.failures()));
        }
        out.append("\n").append(trials).append(" trials per row; nearest-rank percentiles.\n");
        return out.toString();
    }

    /**
     * Under {@code exec:java} the test classpath lives in a class loader of its own, while a child
     * JVM is started with {@code java.class.path}; publish the loader's classpath there. Under a
     * plain {@code java -cp} launch the application class loader is not a URLClassLoader and
     * nothing changes.
     */
    private static void exposeClasspathToChildJvms() throws URISyntaxException {
        if (ElectionHandoverBenchmark.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                entries.add(Path.of(url.toURI()).toString());
            }
            System.setProperty("java.class.path", String.join(File.pathSeparator, entries));
        }
    }

    /** Handover samples of one client, TTL and event, in nanoseconds. */
    private record Figures(String client, int ttl, String event, List<Long> samples, int failures) {
        double p50() {
            return percentile(50);
        }

        double p99() {
            return percentile(99);
        }

        private double percentile(int p) {
            List<Long> sorted = samples.stream().sorted().toList();
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, rank - 1)) / 1e6;
        }
    }

    /** A candidate in this JVM, for either client. */
    private interface Contender extends AutoCloseable {
        CompletableFuture<Term> campaign(String election);

        @Override
        void close();
    }

    /** A won election: a write fenced by its token, and resignation. */
    private interface Term {
        /** Writes under the fence; fails when the store refuses it. */
        void fencedWrite(String election) throws Exception;

        CompletableFuture<Void> resign();
    }

    private static final class BatonContender implements Contender {
        private final Member member;

        BatonContender(String endpoint, int ttl) {
            this.member = Member.join(endpoint, Duration.ofSeconds(ttl));
        }

        @Override
        public CompletableFuture<Term> campaign(String election) {
            return Election.on(member.session, election).campaign("successor").elected().thenApply(leadership -> new Term() {
                @Override
                public void fencedWrite(String name) throws Exception {
                    boolean accepted = member.etcd.txn(List.of(leadership.fence()), List.of(Operations.put(name + "-writes",
                            "w".getBytes(StandardCharsets.UTF_8), 0)), List.of()).get().succeeded();
                    if (!accepted) {
                        throw new IllegalStateException("fenced write of " + leadership + " refused");
                    }
                }

                @Override
                public CompletableFuture<Void> resign() {
                    return leadership.resign();
                }
            });
        }

        @Override
        public void close() {
            member.close();
        }
    }

    private static final class JetcdContender implements Contender {
        private final Client client;
        private final long lease;
        private final CloseableClient keepAlive;

        JetcdContender(String endpoint, int ttl) {
            this.client = Client.builder().endpoints(endpoint).build();
            this.lease = client.getLeaseClient().grant(ttl).join().getID();
            this.keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<LeaseKeepAliveResponse>() {
                @Override
                public void onNext(LeaseKeepAliveResponse response) {
                }

                @Override
                public void onError(Throwable error) {
                    System.err.println("jetcd keep-alive of lease " + Long.toHexString(lease) + " failed: " + error);
                }

                @Override
                public void onCompleted() {
                }
            });
        }

        @Override
        public CompletableFuture<Term> campaign(String election) {
            return client.getElectionClient().campaign(bytes(election), lease, bytes("successor"))
                    .thenApply(response -> term(response.getLeader()));
        }

        private Term term(LeaderKey leader) {
            return new Term() {
                @Override
                public void fencedWrite(String name) throws Exception {
                    boolean accepted = client.getKVClient().txn()
                            .If(new Cmp(leader.getKey(), Cmp.Op.EQUAL, CmpTarget.createRevision(leader.getRevision())))
                            .Then(Op.put(bytes(name + "-writes"), bytes("w"), PutOption.DEFAULT))
                            .commit().get().isSucceeded();
                    if (!accepted) {
                        throw new IllegalStateException("fenced write under " + leader.getKey() + " refused");
                    }
                }

                @Override
                public CompletableFuture<Void> resign() {
                    return client.getElectionClient().resign(leader).thenApply(response -> null);
                }
            };
        }

        @Override
        public void close() {
            keepAlive.close();
            try {
                client.getLeaseClient().revoke(lease).join();
            } finally {
                client.close();
            }
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
