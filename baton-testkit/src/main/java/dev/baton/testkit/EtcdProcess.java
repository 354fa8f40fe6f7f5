package dev.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real etcd (3.4+) server process on free loopback ports, with the fault tools tests need.
 *
 * <p>{@link #start()} returns once the member answers {@code GET /health} with
 * {@code health: true}. The process writes its standard output and error to {@link #logFile()};
 * a start that does not become healthy in time fails with the end of that log in the message.
 * When a port picked as free is taken by someone else before etcd binds it, the start is
 * retried on fresh ports.
 *
 * <p>Fault tools signal exactly this process id: {@link #kill()} ({@code SIGKILL}),
 * {@link #stop()} ({@code SIGTERM}), {@link #pause()} ({@code SIGSTOP}), {@link #resume()}
 * ({@code SIGCONT}), and {@link #restart()} starts it again with the same name, data directory
 * and ports. {@link #close()} kills the process and deletes the directories this fixture
 * created; it is idempotent. A data directory passed to {@link Builder#dataDir(Path)} belongs to
 * the caller and is left in place.
 *
 * <pre>{@code
 * try (EtcdProcess etcd = EtcdProcess.start()) {
 *     etcd.etcdctl("put", "k", "v");
 *     etcd.kill();
 *     etcd.restart();
 *     assert etcd.etcdctl("get", "k", "--print-value-only").trim().equals("v");
 * }
 * }</pre>
 *
 * <p><b>TLS and authentication.</b> With {@link Builder#tls(TestCertificates)} the client port
 * speaks only HTTPS with a server certificate for {@code localhost} and {@code 127.0.0.1}
 * issued by that authority, and {@link #endpoint()} is an {@code https://} URL; with
 * {@link Builder#clientCertAuth()} as well, etcd requires a client certificate signed by the
 * authority ({@code --client-cert-auth}). {@link #enableAuth(String)} turns on etcd's user
 * authentication with a {@code root} user, and {@link #addPrefixUser} adds users whose role
 * reads and writes one key prefix only. The fixture's own probes and {@link #etcdctl} calls use
 * the authority, a client certificate of its own and the root user as needed.
 *
 * <p>Methods are safe to call from several threads.
 */
public final class EtcdProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdProcess.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final int PORT_ATTEMPTS = 5;
    private static final String PORT_TAKEN = "address already in use";

    private final String name;
    private final Path binary;
    private final Path workDir;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final Path logFile;
    private final List<String> extraArgs;
    private final Duration startTimeout;
    private final CertificateFiles serverCertificate;
    private final CertificateFiles fixtureCertificate;
    private final Path trustedCa;
    private final HttpClient probe;

    private volatile int clientPort;
    private volatile int peerPort;
    private volatile int advertisedPeerPort;
    private volatile String initialCluster;
    private volatile String clusterToken;
    private volatile Process process;
    private volatile long logOffsetAtLaunch;
    private volatile boolean paused;
    private volatile String rootPassword;
    private boolean closed;

    private EtcdProcess(Builder builder) {
        this.name = builder.name;
        this.binary = builder.binary != null ? builder.binary : Executables.etcd();
        if (!Files.isExecutable(binary)) {
            throw new IllegalArgumentException("etcd binary is not executable: " + binary);
        }
        this.workDir = TempDirs.create("baton-etcd-" + name + "-");
        this.ownsDataDir = builder.dataDir == null;
        this.dataDir = ownsDataDir ? workDir.resolve("data") : builder.dataDir;
        this.logFile = workDir.resolve("etcd.log");
        this.extraArgs = List.copyOf(builder.extraArgs);
        this.startTimeout = builder.startTimeout;
        TestCertificates authority = builder.authority;
        this.serverCertificate = authority == null ? null : authority.issueServer(name);
        this.fixtureCertificate = builder.clientCertAuth ? authority.issueClient("root") : null;
        this.trustedCa = authority == null ? null : authority.caFile();
        this.probe = EtcdGateway.client(Optional.ofNullable(authority)
                .map(ca -> ca.sslContext(Optional.ofNullable(fixtureCertificate))));
    }

    /** Starts one etcd with every default: see {@link Builder}. */
    public static EtcdProcess start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code http://127.0.0.1:<clientPort>} ({@code https://} with TLS), the URL to give jetcd or
     * etcdctl.
     */
    public String endpoint() {
        return (serverCertificate == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    /**
     * The port this member listens on for its peers; they dial it directly unless the cluster
     * fronts it (see {@link EtcdCluster.Builder#peerFront}).
     */
    public int peerPort() {
        return peerPort;
    }

    public String name() {
        return name;
    }

    /** The id of the current (or, after {@link #kill()}, the last) etcd process. */
    public long pid() {
        return requireStarted().pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Standard output and error of every run of this member, restarts appended. */
    public Path logFile() {
        return logFile;
    }

    /** True while the process exists, including while it is paused. */
    public boolean isAlive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** True between {@link #pause()} and {@link #resume()} (or the process's end). */
    public boolean isPaused() {
        return paused && isAlive();
    }

    /**
     * One {@code GET /health} probe, bounded by one second. False when the process is down,
     * paused or has no quorum.
     */
    public boolean isHealthy() {
        return isAlive() && EtcdGateway.isHealthy(probe, endpoint(), PROBE_TIMEOUT);
    }

    /** Sends {@code SIGKILL} and waits for the process to exit. No-op when it is not running. */
    public synchronized void kill() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        Signals.send(current.pid(), Signals.Signal.KILL);
        awaitExit(current, "SIGKILL");
        paused = false;
    }

    /**
     * Sends {@code SIGTERM} and waits for etcd to shut down; a paused process is resumed so it
     * can act on the signal. Falls back to {@code SIGKILL} after 30 seconds. No-op when it is
     * not running.
     */
    public synchronized void stop() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        Signals.send(current.pid(), Signals.Signal.TERM);
        if (paused) {
            Signals.send(current.pid(), Signals.Signal.CONT);
            paused = false;
        }
        try {
            if (!current.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("etcd {} (pid {}) ignored SIGTERM for {}; sending SIGKILL", name, current.pid(), EXIT_TIMEOUT);
                Signals.send(current.pid(), Signals.Signal.KILL);
                awaitExit(current, "SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping etcd " + name, e);
        }
    }

    /** Sends {@code SIGSTOP}: the process keeps its sockets but answers nothing. */
    public synchronized void pause() {
        Process current = requireRunning("pause");
        Signals.send(current.pid(), Signals.Signal.STOP);
        paused = true;
    }

    /** Sends {@code SIGCONT} to a paused process. */
    public synchronized void resume() {
        Process current = requireRunning("resume");
        Signals.send(current.pid(), Signals.Signal.CONT);
        paused = false;
    }

    /**
     * Starts etcd again with the same name, data directory and ports, stopping the running
     * process first ({@code SIGTERM}); waits until it is healthy. A cluster member rejoins its
     * cluster from its data directory and is healthy once the cluster has quorum.
     *
     * @throws IllegalStateException when it is not healthy within the start timeout, or when
     *     another process has taken one of its ports meanwhile
     */
    public synchronized void restart() {
        requireStarted();
        ensureOpen();
        stop();
        launch();
        try {
            awaitHealthy(deadlineAfter(startTimeout));
        } catch (PortTakenException e) {
            throw new IllegalStateException("etcd " + name + " cannot restart: " + e.getMessage(), e);
        }
        LOG.info("etcd member {} restarted at {} (pid {})", name, endpoint(), pid());
    }

    /**
     * Runs {@code etcdctl --endpoints <endpoint()> <args>}; see {@link Etcdctl#run}. With TLS the
     * fixture adds its CA and client certificate, after {@link #enableAuth} the root user.
     */
    public String etcdctl(String... args) {
        return Etcdctl.run(endpoint(), withConnectionFlags(args));
    }

    /**
     * Starts a long-running {@code etcdctl --endpoints <endpoint()> <args>}, with the same added
     * flags as {@link #etcdctl}; see {@link Etcdctl#start}.
     */
    public Process etcdctlProcess(String... args) {
        return Etcdctl.start(endpoint(), withConnectionFlags(args));
    }

    /**
     * Turns on etcd's authentication: creates the user {@code root} with {@code rootPassword} and
     * the {@code root} role, then {@code auth enable}. From then on every client must
     * authenticate; this fixture's {@link #etcdctl} calls do so as root.
     *
     * @throws IllegalStateException when etcdctl fails, e.g. because auth is already enabled
     */
    public synchronized void enableAuth(String rootPassword) {
        if (rootPassword == null || rootPassword.isEmpty()) {
            throw new IllegalArgumentException("the root password must not be empty");
        }
        etcdctl("user", "add", "root", "--new-user-password=" + rootPassword);
        etcdctl("user", "grant-role", "root", "root");
        etcdctl("auth", "enable");
        this.rootPassword = rootPassword;
    }

    /**
     * Creates the role {@code user} granting {@code readwrite} on every key starting with
     * {@code prefix} and nothing else, and the user {@code user} with {@code password} holding
     * only that role; exactly the commands docs/security.md shows.
     */
    public void addPrefixUser(String user, String password, String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("the prefix must not be empty: an empty prefix grants every key");
        }
        etcdctl("role", "add", user);
        etcdctl("role", "grant-permission", user, "readwrite", prefix, "--prefix=true");
        etcdctl("user", "add", user, "--new-user-password=" + password);
        etcdctl("user", "grant-role", user, user);
    }

    private String[] withConnectionFlags(String... args) {
        List<String> all = new ArrayList<>();
        if (trustedCa != null) {
            all.add("--cacert=" + trustedCa);
        }
        if (fixtureCertificate != null) {
            all.add("--cert=" + fixtureCertificate.certificate());
            all.add("--key=" + fixtureCertificate.privateKey());
        }
        String password = rootPassword;
        if (password != null) {
            all.add("--user=root:" + password);
        }
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** Kills the process (resuming it first when paused) and deletes this fixture's directories. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Process current = process;
        try {
            if (current != null && current.isAlive()) {
                if (paused) {
                    Signals.send(current.pid(), Signals.Signal.CONT);
                }
                kill();
            }
        } finally {
            if (current != null) {
                ProcessReaper.unregister(current);
            }
            TempDirs.deleteRecursively(workDir);
        }
    }

    @Override
    public String toString() {
        Process current = process;
        return "EtcdProcess[" + name + " " + endpoint() + (current == null ? "" : " pid " + current.pid()) + "]";
    }

    /**
     * Sets the ports and cluster layout used by every later {@link #launch()}. The token keeps
     * members of different clusters that happen to reuse a port from joining each other. Peers
     * dial {@code advertisedPeerPort}, which is {@code peerPort} unless something (a proxy)
     * forwards from one to the other.
     */
    synchronized void configure(int clientPort, int peerPort, int advertisedPeerPort, String initialCluster,
                                String clusterToken) {
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.advertisedPeerPort = advertisedPeerPort;
        this.initialCluster = initialCluster;
        this.clusterToken = clusterToken;
    }

    private static String peerUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the etcd process with the configured ports without waiting for it to be healthy. */
    synchronized void launch() {
        ensureOpen();
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--name=" + name,
                "--data-dir=" + dataDir,
                "--listen-client-urls=" + endpoint(),
                "--advertise-client-urls=" + endpoint(),
                "--listen-peer-urls=" + peerUrl(peerPort),
                "--initial-advertise-peer-urls=" + peerUrl(advertisedPeerPort),
                "--initial-cluster=" + initialCluster,
                "--initial-cluster-state=new",
                "--initial-cluster-token=" + clusterToken,
                "--logger=zap",
                "--log-outputs=stderr"));
        if (serverCertificate != null) {
            command.add("--cert-file=" + serverCertificate.certificate());
            command.add("--key-file=" + serverCertificate.privateKey());
        }
        if (fixtureCertificate != null) {
            command.add("--client-cert-auth");
            command.add("--trusted-ca-file=" + trustedCa);
        }
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        // etcd reads every ETCD_* variable as a flag; the fixture's flags alone must decide.
        builder.environment().keySet().removeIf(key -> key.startsWith("ETCD"));
        try {
            logOffsetAtLaunch = Files.exists(logFile) ? Files.size(logFile) : 0;
            Process started = builder.start();
            started.getOutputStream().close();
            ProcessReaper.register(started);
            Process previous = process;
            if (previous != null) {
                ProcessReaper.unregister(previous);
            }
            process = started;
            paused = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /**
     * Waits until {@code /health} says true.
     *
     * @throws PortTakenException when etcd exited because a port was already bound
     * @throws IllegalStateException when it exits otherwise or the deadline passes
     */
    void awaitHealthy(long deadlineNanos) {
        awaitAllHealthy(List.of(this), deadlineNanos, startTimeout, true);
    }

    /**
     * Waits until every member in {@code members} answers {@code /health} with true.
     *
     * @param starting true while the members are starting: then a member that exits fails the
     *     wait at once (with {@link PortTakenException} when a port was taken)
     * @throws IllegalStateException when the deadline passes, naming the unhealthy members
     */
    static void awaitAllHealthy(List<EtcdProcess> members, long deadlineNanos, Duration timeout, boolean starting) {
        long pollMillis = 20;
        while (true) {
            List<EtcdProcess> unhealthy = new ArrayList<>();
            for (EtcdProcess member : members) {
                if (starting) {
                    member.failIfExited();
                }
                // A port conflict makes etcd exit within milliseconds, long before it can be healthy,
                // so a healthy answer from a process that is still alive is this process's answer.
                if (!member.isHealthy() || !member.isAlive()) {
                    unhealthy.add(member);
                }
            }
            if (unhealthy.isEmpty()) {
                return;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                StringBuilder message = new StringBuilder("etcd was not healthy within " + timeout + ":");
                for (EtcdProcess member : unhealthy) {
                    message.append("\n").append(member).append(member.isAlive() ? "" : " (not running)")
                            .append("; ").append(member.logFile).append(" ends with:\n")
                            .append(LogTail.of(member.logFile, LogTail.DEFAULT_LINES));
                }
                throw new IllegalStateException(message.toString());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(Math.min(pollMillis, TimeUnit.NANOSECONDS.toMillis(remaining) + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd to be healthy", e);
            }
            pollMillis = Math.min(pollMillis * 2, 250);
        }
    }

    /** Throws when the process has exited: it was meant to be starting. */
    private void failIfExited() {
        Process current = requireStarted();
        if (current.isAlive()) {
            return;
        }
        if (LogTail.containsAfter(logFile, logOffsetAtLaunch, PORT_TAKEN)) {
            throw new PortTakenException("port " + clientPort + " or " + peerPort + " is already in use");
        }
        throw new IllegalStateException("etcd " + name + " exited with code " + current.exitValue()
                + " while starting; " + logFile + " ends with:\n" + LogTail.of(logFile, LogTail.DEFAULT_LINES));
    }

    Duration startTimeout() {
        return startTimeout;
    }

    static long deadlineAfter(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private Process requireStarted() {
        Process current = process;
        if (current == null) {
            throw new IllegalStateException("etcd " + name + " was never started");
        }
        return current;
    }

    private Process requireRunning(String action) {
        Process current = requireStarted();
        if (!current.isAlive()) {
            throw new IllegalStateException("cannot " + action + " etcd " + name + ": pid " + current.pid() + " is not running");
        }
        return current;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("etcd " + name + " is closed");
        }
    }

    private void awaitExit(Process current, String signal) {
        try {
            if (!current.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("etcd " + name + " (pid " + current.pid() + ") still runs "
                        + EXIT_TIMEOUT + " after " + signal);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd " + name + " to exit", e);
        }
    }

    /** etcd could not bind a port that was free when it was picked. */
    static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    /**
     * Options for one etcd process. Defaults: name {@code etcd}, a fresh temporary data
     * directory, the binary from {@code $BATON_ETCD} or {@code PATH}, no extra arguments, and a
     * 30 second start timeout.
     */
    public static final class Builder {
        private String name = "etcd";
        private Path dataDir;
        private Path binary;
        private final List<String> extraArgs = new ArrayList<>();
        private Duration startTimeout = Duration.ofSeconds(30);
        private TestCertificates authority;
        private boolean clientCertAuth;

        private Builder() {
        }

        /**
         * Serves clients over TLS only, with a server certificate {@code authority} issues for
         * {@code localhost} and {@code 127.0.0.1}; peers stay on plain HTTP (one member has none).
         */
        public Builder tls(TestCertificates authority) {
            this.authority = Objects.requireNonNull(authority, "authority");
            return this;
        }

        /** Requires every client to present a certificate signed by the {@link #tls} authority. */
        public Builder clientCertAuth() {
            this.clientCertAuth = true;
            return this;
        }

        /** The member name: letters, digits, {@code .}, {@code _} and {@code -}. */
        public Builder name(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("etcd name must match " + NAME + ": '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** A data directory owned by the caller, kept on {@link EtcdProcess#close()}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** The etcd binary, instead of {@code $BATON_ETCD} or {@code etcd} on {@code PATH}. */
        public Builder binary(Path binary) {
            this.binary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /** Flags appended after the fixture's own, e.g. {@code --auto-compaction-retention=1}. */
        public Builder extraArgs(String... args) {
            for (String arg : args) {
                extraArgs.add(Objects.requireNonNull(arg, "extraArgs element"));
            }
            return this;
        }

        /** How long a start (or restart) may take to become healthy. */
        public Builder startTimeout(Duration startTimeout) {
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /** Starts a single-member cluster and waits until it is healthy. */
        public EtcdProcess start() {
            EtcdProcess etcd = build();
            long deadline = deadlineAfter(startTimeout);
            String token = "baton-" + UUID.randomUUID();
            try {
                for (int attempt = 1; ; attempt++) {
                    int[] ports = FreePorts.pick(2);
                    etcd.configure(ports[0], ports[1], ports[1], name + "=" + peerUrl(ports[1]), token);
                    etcd.launch();
                    try {
                        etcd.awaitHealthy(deadline);
                        LOG.info("etcd member {} started at {} (pid {})", name, etcd.endpoint(), etcd.pid());
                        return etcd;
                    } catch (PortTakenException e) {
                        if (attempt == PORT_ATTEMPTS) {
                            throw new IllegalStateException("etcd " + name + " found no free ports in "
                                    + PORT_ATTEMPTS + " attempts: " + e.getMessage(), e);
                        }
                        LOG.info("etcd {}: {}; retrying on other ports", name, e.getMessage());
                    }
                }
            } catch (RuntimeException e) {
                etcd.close();
                throw e;
            }
        }

        /** The process, configured but not started; {@link EtcdCluster} lays out its ports. */
        EtcdProcess build() {
            if (clientCertAuth && authority == null) {
                throw new IllegalStateException("clientCertAuth() needs tls(authority): the authority signs client certificates");
            }
            return new EtcdProcess(this);
        }
    }
}
