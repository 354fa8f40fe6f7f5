package dev.baton.server;

import dev.baton.server.store.StoreState;
import dev.baton.server.wal.DataDirectoryException;
import dev.baton.server.wal.Journal;
import dev.baton.server.wal.WriteAheadLog;
import dev.baton.server.watch.WatchHub;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNames;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node server speaking the etcd v3 gRPC API (KV, Watch, Lease, Maintenance, Lock,
 * Election, Auth, and enough of Cluster for {@code etcdctl member list}), with
 * etcd 3.4's semantics, so jetcd, etcdctl and every Baton recipe work against it unchanged.
 *
 * <pre>{@code
 * try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
 *   Client client = Client.builder().endpoints(etcd.endpoint()).build();
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Durability.</b> With a data directory, every write is in the write-ahead log (and, with
 * fsync on, the default, on the device) before it is acknowledged, watched or readable; a
 * restart, even after {@code kill -9}, recovers every acknowledged write, the revision counter
 * and the leases (each with its full TTL again, as etcd does after a leader change). Only one
 * server may use a data directory at a time. An in-memory server keeps nothing.
 *
 * <p><b>Who may connect.</b> The server listens on {@code 127.0.0.1} unless told otherwise. With
 * {@link Builder#tls(Path, Path)} it speaks TLS only (its endpoint is {@code https://}), and with
 * {@link Builder#clientCa(Path)} as well it accepts only clients presenting a certificate signed
 * by that CA. Until auth is enabled (etcd's Auth service: users, roles, key permissions, tokens)
 * anyone who connects may read and write every key, so {@link Builder#build()} refuses a
 * non-loopback address without TLS unless {@link Builder#insecureListen()} forces it.
 *
 * <p>{@link #close()} is idempotent and bounded: it stops accepting calls, ends open streams,
 * finishes the writes in progress and releases the data directory.
 */
public final class EmbeddedEtcd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedEtcd.class);
    /** gRPC's limit exceeds etcd's request limit by this much, as in etcd. */
    private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    private final Builder config;
    private final AtomicBoolean watchSyncScheduled = new AtomicBoolean();
    private boolean started;
    private boolean closed;
    private Journal journal;
    private CommitPipeline pipeline;
    private WatchHub watchHub;
    private Server server;
    private ScheduledExecutorService leaseTimer;
    private ScheduledExecutorService watchTimer;
    private ExecutorService watchSender;
    private ExecutorService recipeCallbacks;
    private ExecutorService passwordHashing;
    private SelfClient selfClient;
    private volatile String endpoint;

    private EmbeddedEtcd(Builder config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Recovers the data directory, if any, and starts serving.
     *
     * @return this server
     * @throws StartupException when the data directory is in use, unwritable or damaged, or the
     *     address cannot be bound; nothing is left running then
     * @throws IllegalStateException when already started or closed
     */
    public synchronized EmbeddedEtcd start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "this server has been closed" : "this server is already started");
        }
        started = true;
        try {
            startServing();
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startServing() {
        SecureRandom random = new SecureRandom();
        StoreState state = new StoreState(System::nanoTime, random::nextLong);
        long memberId;
        if (config.dataDir != null) {
            try {
                WriteAheadLog wal = WriteAheadLog.open(config.dataDir, state, config.fsync,
                        config.snapshotThresholdBytes);
                journal = wal;
                memberId = wal.memberId();
            } catch (DataDirectoryException e) {
                throw new StartupException(e.getMessage(), e);
            }
        } else {
            journal = Journal.inMemory();
            memberId = random.nextLong() & Long.MAX_VALUE;
        }
        ResponseHeaders headers = new ResponseHeaders(clusterIdOf(memberId), memberId, 1);

        leaseTimer = Executors.newSingleThreadScheduledExecutor(new NamedThreads("baton-lease-expiry"));
        watchTimer = Executors.newSingleThreadScheduledExecutor(new NamedThreads("baton-watch-sync"));
        watchSender = Executors.newFixedThreadPool(2, new NamedThreads("baton-watch-send"));
        watchHub = new WatchHub(state.kv(), state.publishedRevision(), headers::at, this::requestWatchSync);
        LatencyHistogram syncLatency = new LatencyHistogram();
        pipeline = new CommitPipeline(state, journal, watchHub, syncLatency);
        pipeline.start();

        InetSocketAddress address = new InetSocketAddress(config.host, config.port);
        int maxRequestBytes = config.maxRequestBytes;
        // Handlers run on the transport's threads: none of them blocks (writes are queued to the
        // writer, reads are in-memory), so handing each call to another thread would only add latency.
        SpaceQuota quota = new SpaceQuota(config.quotaBackendBytes, journal, pipeline, memberId);
        SimpleTokens tokens = new SimpleTokens(config.authTokenTtl, System::nanoTime);
        CallerIdentity identity = new CallerIdentity(state, tokens, config.clientCa != null);
        ServerServiceDefinition kv = new KvService(state, pipeline, headers, maxRequestBytes, quota, identity)
                .bindWithDeepTxns();
        ServerServiceDefinition watch = UnknownMethods.only(
                new WatchService(watchHub, watchSender, state, identity).bindService(), "Watch");
        ServerServiceDefinition lease = new LeaseService(state, pipeline, headers, maxRequestBytes, quota, identity)
                .bindWithLeaseList();
        recipeCallbacks = Executors.newFixedThreadPool(2, new NamedThreads("baton-recipes"));
        passwordHashing = Executors.newFixedThreadPool(2, new NamedThreads("baton-password-hashing"));
        ServerServiceDefinition maintenance = new MaintenanceService(state, journal, headers, pipeline, exportDir(),
                identity).bindService();
        ServerServiceDefinition cluster = UnknownMethods.only(
                new ClusterService(headers, config.name, this::endpoint).bindService(), "MemberList");
        ServerServiceDefinition auth = new AuthService(state, pipeline, headers, identity, tokens, passwordHashing)
                .bindService();
        selfClient = SelfClient.start(Stream.of(kv, watch, lease, maintenance, cluster, auth)
                .map(service -> ServerInterceptors.intercept(service, identity.inProcess())).toList(), recipeCallbacks);
        GrpcCallMetrics calls = new GrpcCallMetrics();
        Metrics metrics = new Metrics(state, journal, config.quotaBackendBytes, syncLatency, calls);
        SslContext tls = config.certificate == null ? null : sslContext();
        server = NettyServerBuilder.forAddress(address)
                .protocolNegotiator(new ClientPortNegotiator(tls, () -> new HttpEndpoints(pipeline, selfClient, metrics)))
                // gRPC would close every connection that has not finished its HTTP/2 handshake after
                // two minutes, HTTP/1.1 ones included; ClientPortNegotiator bounds the wait instead.
                .handshakeTimeout(Long.MAX_VALUE, TimeUnit.MILLISECONDS)
                .directExecutor()
                .maxInboundMessageSize(maxRequestBytes + GRPC_OVERHEAD_BYTES)
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(kv)
                .addService(watch)
                .addService(lease)
                .addService(new LockService(selfClient))
                .addService(new ElectionService(selfClient))
                .addService(maintenance)
                .addService(cluster)
                .addService(auth)
                .addService(GrpcHealthService.definition())
                .fallbackHandlerRegistry(new UnknownMethods())
                .intercept(identity)
                .intercept(calls)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new StartupException("cannot listen on " + config.host + ":" + config.port + ": " + e.getMessage(),
                    e);
        }
        InetAddress bound = address.getAddress();
        String host = bound == null || bound.isAnyLocalAddress() ? "127.0.0.1" : config.host;
        endpoint = (config.certificate == null ? "http://" : "https://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getPort();

        leaseTimer.scheduleWithFixedDelay(new GuardedLoop("lease expiry", new LeaseExpiry(state, pipeline)),
                LeaseExpiry.PERIOD_MILLIS, LeaseExpiry.PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        watchTimer.scheduleWithFixedDelay(new GuardedLoop("watch catch-up", watchHub::catchUp),
                100, 100, TimeUnit.MILLISECONDS);
        long progressMillis = config.progressNotifyInterval.toMillis();
        watchTimer.scheduleWithFixedDelay(new GuardedLoop("watch progress", watchHub::progressTick),
                progressMillis, progressMillis, TimeUnit.MILLISECONDS);
        log.info("serving the etcd v3 API on {} ({}, revision {})", endpoint,
                config.dataDir == null ? "in memory" : "data dir " + config.dataDir, state.publishedRevision());
    }

    /** Where snapshots being streamed to clients wait: the data directory, or the temp directory. */
    private Path exportDir() {
        return config.dataDir != null ? config.dataDir : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Makes {@code dataDir} (absent or empty) the data directory of a new member holding the
     * state saved in {@code snapshotFile}, a file written by {@code etcdctl snapshot save} (or
     * any client of the Snapshot call) from a Baton server. A server started on {@code dataDir}
     * then has the saved keys, revisions and leases (each with its full TTL), a new member ID
     * and a new cluster ID.
     *
     * @throws StartupException naming the file or directory when the file is unreadable, fails
     *     its SHA-256 check or is not a Baton snapshot (etcd's bbolt files are not), or the
     *     directory is not empty or cannot be written
     */
    public static void restore(Path snapshotFile, Path dataDir) {
        Objects.requireNonNull(snapshotFile, "snapshotFile");
        Objects.requireNonNull(dataDir, "dataDir");
        try {
            WriteAheadLog.restore(snapshotFile, dataDir);
        } catch (DataDirectoryException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * TLS with the configured certificate and, with a client CA, required client certificates
     * signed by it; ALPN offers HTTP/1.1 first and HTTP/2, so gRPC clients (which offer only
     * HTTP/2) get gRPC and HTTP clients get the HTTP/1.1 endpoints.
     *
     * @throws StartupException naming the file that cannot be read or used
     */
    private SslContext sslContext() {
        requireReadable("certificate", config.certificate);
        requireReadable("private key", config.privateKey);
        SslContextBuilder tls;
        try {
            tls = GrpcSslContexts.forServer(config.certificate.toFile(), config.privateKey.toFile());
        } catch (IllegalArgumentException e) {
            throw unusableKeyPair(e);
        }
        if (config.clientCa != null) {
            requireReadable("client CA file", config.clientCa);
            try {
                tls.trustManager(config.clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
            } catch (IllegalArgumentException e) {
                throw new StartupException("cannot use client CA file " + config.clientCa + " (PEM certificates): "
                        + e.getMessage(), e);
            }
        }
        tls.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_1_1, ApplicationProtocolNames.HTTP_2));
        try {
            return tls.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw unusableKeyPair(e);
        }
    }

    private StartupException unusableKeyPair(Exception e) {
        return new StartupException("cannot use certificate " + config.certificate + " with private key "
                + config.privateKey + " (PEM; the key unencrypted PKCS#8): " + e.getMessage(), e);
    }

    private static void requireReadable(String what, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StartupException(what + " " + file + " does not exist or is not a regular file", null);
        }
        if (!Files.isReadable(file)) {
            throw new StartupException(what + " " + file + " is not readable by this user", null);
        }
    }

    /**
     * True when {@code host} resolves to a loopback address (127.0.0.0/8, ::1, e.g.
     * {@code localhost}): the addresses {@link Builder#build()} lets serve plain HTTP without
     * {@link Builder#insecureListen()}.
     */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void requestWatchSync() {
        if (watchSyncScheduled.compareAndSet(false, true)) {
            try {
                watchTimer.execute(() -> {
                    watchSyncScheduled.set(false);
                    watchHub.catchUp();
                });
            } catch (RejectedExecutionException e) {
                watchSyncScheduled.set(false);
            }
        }
    }

    /** Cluster IDs are derived from the member ID: one member, one cluster. */
    private static long clusterIdOf(long memberId) {
        long z = memberId + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The client URL, {@code http://host:port} ({@code https://} with TLS), with the port actually bound. */
    public String endpoint() {
        String e = endpoint;
        if (e == null) {
            throw new IllegalStateException("the server is not started");
        }
        return e;
    }

    /** The bound port. */
    public int port() {
        endpoint();
        return server.getPort();
    }

    /** Stops serving and releases the data directory. Idempotent; waits at most ~15 s. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.shutdown();
            try {
                if (!server.awaitTermination(1, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                    server.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (selfClient != null) {
            selfClient.close();
        }
        shutdown(recipeCallbacks);
        shutdown(passwordHashing);
        shutdown(leaseTimer);
        shutdown(watchTimer);
        if (pipeline != null) {
            pipeline.close();
        }
        if (journal != null) {
            journal.close();
        }
        shutdown(watchSender);
        if (endpoint != null) {
            log.info("stopped serving on {}", endpoint);
        }
    }

    private static void shutdown(ExecutorService executor) {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Configuration of an {@link EmbeddedEtcd}. Choose {@link #dataDir(Path)} or
     * {@link #inMemory()}; every other setting has a default.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Path dataDir;
        private boolean inMemory;
        private boolean fsync = true;
        private String name = "baton";
        private long snapshotThresholdBytes = 64L * 1024 * 1024;
        private int maxRequestBytes = 1536 * 1024;
        private long quotaBackendBytes = SpaceQuota.DEFAULT_BYTES;
        private Duration progressNotifyInterval = Duration.ofMinutes(10);
        private Duration authTokenTtl = Duration.ofMinutes(5);
        private Path certificate;
        private Path privateKey;
        private Path clientCa;
        private boolean insecureListen;

        private Builder() {
        }

        /**
         * Serves TLS only, with this certificate (PEM, its chain following it) and private key
         * (unencrypted PEM PKCS#8). The files are read at {@link EmbeddedEtcd#start()}.
         */
        public Builder tls(Path certificate, Path privateKey) {
            this.certificate = Objects.requireNonNull(certificate, "certificate");
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /** Requires every client to present a certificate signed by a CA in this PEM file; needs {@link #tls}. */
        public Builder clientCa(Path caFile) {
            this.clientCa = Objects.requireNonNull(caFile, "caFile");
            return this;
        }

        /**
         * Allows plain HTTP on an address other than loopback. Anyone who can reach the address
         * can then read and write every key and watch every change.
         */
        public Builder insecureListen() {
            this.insecureListen = true;
            return this;
        }

        /** The address to listen on; default {@code 127.0.0.1} and port 0 (an ephemeral port). */
        public Builder listen(String host, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be within 0..65535, was " + port);
            }
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
            return this;
        }

        /** Keeps the state durably in {@code dir}, created when missing. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            this.inMemory = false;
            return this;
        }

        /** Keeps nothing on disk: everything is lost on close. */
        public Builder inMemory() {
            this.inMemory = true;
            this.dataDir = null;
            return this;
        }

        /**
         * Whether the log is forced to the device before a write is acknowledged; default true.
         * Without it, acknowledged writes survive a crash of the process but not of the machine.
         */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** The member name shown by {@code etcdctl member list}; default {@code baton}. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** Log bytes written after which a snapshot is taken; default 64 MiB. */
        public Builder snapshotThresholdBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("snapshot threshold must be positive, was " + bytes);
            }
            this.snapshotThresholdBytes = bytes;
            return this;
        }

        /** The largest write request accepted, as etcd's {@code --max-request-bytes}; default 1.5 MiB. */
        public Builder maxRequestBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("max request bytes must be positive, was " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /**
         * The space quota, as etcd's {@code --quota-backend-bytes}; default 2 GiB, as etcd. A write
         * that adds data and would take the data directory's log and snapshot to this size is
         * refused with etcd's NOSPACE error and raises the NOSPACE alarm, which refuses such
         * writes until it is disarmed (docs/server.md, "Space quota and alarms").
         */
        public Builder quotaBackendBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("quota backend bytes must be positive, was " + bytes);
            }
            this.quotaBackendBytes = bytes;
            return this;
        }

        /** How often watchers that asked for progress notifications get one; default 10 minutes, as etcd. */
        public Builder progressNotifyInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("progress notify interval must be positive, was " + interval);
            }
            this.progressNotifyInterval = interval;
            return this;
        }

        /**
         * How long a token from {@code Authenticate} stays valid without being used (etcd's
         * {@code --auth-token-ttl}; default 5 min, as etcd); each call with it renews it.
         */
        public Builder authTokenTtl(Duration ttl) {
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("auth token TTL must be positive, was " + ttl);
            }
            this.authTokenTtl = ttl;
            return this;
        }

        /**
         * @throws IllegalStateException when neither a data directory nor in-memory was chosen, a
         *     client CA is given without TLS, or the address is not loopback and there is neither
         *     TLS nor {@link #insecureListen()}
         */
        public EmbeddedEtcd build() {
            if (dataDir == null && !inMemory) {
                throw new IllegalStateException("choose where the server keeps its state: dataDir(path) or inMemory()");
            }
            if (clientCa != null && certificate == null) {
                throw new IllegalStateException("a client CA (" + clientCa + ") needs TLS: tls(certificate, privateKey)");
            }
            if (certificate == null && !insecureListen && !isLoopback(host)) {
                throw new IllegalStateException("refusing to serve plain HTTP on " + host + ", which is not a loopback "
                        + "address: anyone who reaches it could read and write every key; configure tls(certificate, "
                        + "privateKey) or call insecureListen()");
            }
            Builder copy = new Builder();
            copy.host = host;
            copy.port = port;
            copy.dataDir = dataDir;
            copy.inMemory = inMemory;
            copy.fsync = fsync;
            copy.name = name;
            copy.snapshotThresholdBytes = snapshotThresholdBytes;
            copy.maxRequestBytes = maxRequestBytes;
            copy.quotaBackendBytes = quotaBackendBytes;
            copy.progressNotifyInterval = progressNotifyInterval;
            copy.authTokenTtl = authTokenTtl;
            copy.certificate = certificate;
            copy.privateKey = privateKey;
            copy.clientCa = clientCa;
            copy.insecureListen = insecureListen;
            return new EmbeddedEtcd(copy);
        }
    }
}
