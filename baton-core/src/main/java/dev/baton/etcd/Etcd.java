package dev.baton.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.grpc.Status;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Baton's connection to an etcd cluster (or to Baton's embedded server): the one client path
 * every recipe uses. See the package documentation for its guarantees.
 */
public final class Etcd implements AutoCloseable {
    /**
     * Keys per page when a prefix is read in pages. etcd 3.4 counts every remaining key of the range
     * for each limited page, so fewer, larger pages make big reads far cheaper; a page that exceeds
     * the inbound message limit is read again at half the size.
     */
    static final int DEFAULT_PAGE_SIZE = 10_000;
    /** The largest response accepted by default; etcd's request limit is 1.5 MiB, responses can be larger. */
    static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    /** etcd's metadata key and value that ask a member to refuse calls while it has no leader. */
    private static final String REQUIRE_LEADER_KEY = "hasleader";
    private static final String REQUIRE_LEADER = "true";

    private final List<URI> endpoints;
    private final String security;
    private final Duration requestTimeout;
    private final int pageSize;
    private final Client client;
    private final Executor callbacks;
    private final ScheduledExecutorService scheduler;
    /** Empty when jetcd's channel could not be reached (a warning said so). */
    private final Optional<GrpcChannel> channel;
    /** What {@link #nextReconnect()} gives without a watched channel: a future that never completes. */
    private final CompletableFuture<Void> noReconnect = new CompletableFuture<>();
    private final List<ExecutorService> owned = new ArrayList<>();
    private volatile boolean closed;

    private Etcd(Builder builder) {
        this.endpoints = builder.endpoints;
        this.security = builder.describeSecurity();
        this.requestTimeout = builder.requestTimeout;
        this.pageSize = builder.pageSize;
        if (builder.callbackExecutor != null) {
            this.callbacks = builder.callbackExecutor;
        } else {
            ExecutorService pool = Executors.newCachedThreadPool(Threads.named("baton-callback"));
            owned.add(pool);
            this.callbacks = pool;
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.named("baton-etcd-timer"));
        owned.add(scheduler);
        ClientBuilder jetcd = Client.builder();
        if (builder.sslContext != null) {
            jetcd.sslContext(builder.sslContext);
        }
        if (builder.user != null) {
            jetcd.user(ByteSequence.from(builder.user, StandardCharsets.UTF_8))
                    .password(ByteSequence.from(builder.password, StandardCharsets.UTF_8));
        }
        this.client = jetcd
                .endpoints(endpoints.toArray(URI[]::new))
                .connectTimeout(builder.connectTimeout)
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5))
                // etcd answers pings on a connection without calls with GOAWAY "too_many_pings".
                .keepaliveWithoutCalls(false)
                .waitForReady(false)
                .maxInboundMessageSize(builder.maxResponseBytes)
                // etcd's require-leader on every call: a member cut off from its cluster's leader
                // refuses at once with "etcdserver: no leader" instead of holding the call until
                // it times out, so a retry (jetcd's, or the session's next keep-alive) moves to a
                // member that hears the leader.
                .header(REQUIRE_LEADER_KEY, REQUIRE_LEADER)
                .retryDelay(100)
                .retryMaxDelay(1000)
                .retryMaxDuration(requestTimeout)
                .build();
        this.channel = GrpcChannel.watch(client, endpoints.toString(), scheduler, callbacks);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The endpoints and, without secrets, how this connection authenticates. */
    @Override
    public String toString() {
        return "Etcd" + endpoints + security;
    }

    /** The endpoints this connection was built with. */
    public List<URI> endpoints() {
        return endpoints;
    }

    /** The executor every future and watch callback of this connection completes on. */
    public Executor callbackExecutor() {
        return callbacks;
    }

    /**
     * Completes, on the {@linkplain #callbackExecutor() callback executor}, the next time this
     * connection is back after failing (gRPC's channel ready again); never when the channel could not
     * be watched. For a retry that waits out a backoff: take it before the request, then wait for it
     * or the backoff, whichever comes first, so that a store that is back is tried again at once. The
     * same stage serves every caller until the connection is back; it is not to be completed.
     */
    public CompletionStage<Void> nextReconnect() {
        return channel.<CompletionStage<Void>>map(GrpcChannel::nextReconnect).orElse(noReconnect);
    }

    /** The bound on every single request. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Reads one key, linearizably. */
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        return range(KeyRange.key(key)).thenApply(RangeResult::first);
    }

    /** Reads a key or prefix at the current revision, linearizably. */
    public CompletableFuture<RangeResult> range(KeyRange range) {
        return range(range, 0);
    }

    /**
     * Reads a key or prefix at {@code revision} (0: the current one). Large prefixes are read in
     * pages, every page at the revision of the first, so the result is one consistent snapshot.
     * Fails with jetcd's {@code CompactedException} when {@code revision} was compacted meanwhile.
     */
    public CompletableFuture<RangeResult> range(KeyRange range, long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be >= 0, got " + revision);
        }
        CompletableFuture<RangeResult> out = new CompletableFuture<>();
        readPage(range, range.startBytes(), revision, pageSize, new ArrayList<>(), out);
        return out;
    }

    private void readPage(KeyRange range, ByteSequence from, long revision, int pageSize, List<KeyValue> acc,
                          CompletableFuture<RangeResult> out) {
        GetOption.Builder option = GetOption.builder().withRevision(revision);
        if (range.isPrefix()) {
            option.withRange(range.endBytes()).withLimit(pageSize);
        }
        deliver(client.getKVClient().get(from, option.build()), Function.identity()).whenComplete((page, error) -> {
            if (error != null) {
                if (range.isPrefix() && pageSize > 1 && isTooLarge(error)) {
                    readPage(range, from, revision, pageSize / 2, acc, out);
                } else {
                    out.completeExceptionally(error);
                }
                return;
            }
            long pageRevision = page.getHeader().getRevision();
            long atRevision = revision == 0 ? pageRevision : revision;
            page.getKvs().forEach(kv -> acc.add(KeyValue.of(kv)));
            if (range.isPrefix() && page.isMore() && !page.getKvs().isEmpty()) {
                byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
                byte[] next = java.util.Arrays.copyOf(last, last.length + 1);
                readPage(range, ByteSequence.from(next), atRevision, pageSize, acc, out);
            } else {
                out.complete(new RangeResult(atRevision, acc));
            }
        });
    }

    /** Commits {@code if (when) then else otherwise}, once. */
    public CompletableFuture<TxnResult> txn(List<Guard> when, List<Operation> then, List<Operation> otherwise) {
        return txn(when, then, otherwise, callbacks);
    }

    /**
     * Commits {@code if (when) then else otherwise}, once, completing the future on {@code completion}
     * instead of the callback executor: a caller that handles every answer on its own
     * {@link SerialExecutor} of the callback executor passes that queue, and continues with
     * {@link SerialExecutor#executeHere}, saving the thread hop onto the queue; a state machine whose
     * handling of the answer completes no future others have callbacks on may pass
     * {@link SerialExecutor#executeInPlaceWhenIdle}, and handle it on the thread the answer arrived
     * on. {@code completion} must not run caller code on the client's threads (rule 6); when it drops
     * tasks after {@link #close()}, as a {@link SerialExecutor} does, the future is left uncompleted.
     */
    public CompletableFuture<TxnResult> txn(List<Guard> when, List<Operation> then, List<Operation> otherwise,
                                            Executor completion) {
        var request = client.getKVClient().txn()
                .If(Guard.toJetcd(when))
                .Then(Operation.toJetcd(then))
                .Else(Operation.toJetcd(otherwise))
                .commit();
        return deliver(request, response -> txnResult(response, response.getHeader().getRevision()),
                Objects.requireNonNull(completion, "completion"));
    }

    /** Converted with plain loops: this runs for every transaction, on the path of every answer. */
    private static TxnResult txnResult(TxnResponse response, long revision) {
        List<List<KeyValue>> gets = new ArrayList<>();
        for (GetResponse get : response.getGetResponses()) {
            gets.add(keyValues(get));
        }
        List<TxnResult> nested = new ArrayList<>();
        for (TxnResponse txn : response.getTxnResponses()) {
            nested.add(txnResult(txn, revision));
        }
        return new TxnResult(response.isSucceeded(), revision, gets, nested);
    }

    /** Puts {@code value} under {@code key} (bound to {@code lease} unless it is 0), once; yields the new revision. */
    public CompletableFuture<Long> put(String key, byte[] value, long lease) {
        return txn(List.of(), List.of(Operations.put(key, value, lease)), List.of()).thenApply(TxnResult::revision);
    }

    /** Puts {@code value} as UTF-8 under {@code key}, as {@link #put(String, byte[], long)} does. */
    public CompletableFuture<Long> put(String key, String value, long lease) {
        return put(key, value.getBytes(StandardCharsets.UTF_8), lease);
    }

    /** Deletes a key or a prefix, once; yields the store revision after the delete. */
    public CompletableFuture<Long> delete(KeyRange range) {
        return txn(List.of(), List.of(Operations.delete(range)), List.of()).thenApply(TxnResult::revision);
    }

    /** Compacts history up to {@code revision}, waiting until the compaction is durable. */
    public CompletableFuture<Void> compact(long revision) {
        return deliver(client.getKVClient().compact(revision, CompactOption.newBuilder().withCompactPhysical(true).build()),
                response -> null);
    }

    /** Grants a lease of {@code ttl} (whole seconds, rounded up); yields its id and the TTL etcd granted. */
    public CompletableFuture<LeaseGrant> grantLease(Duration ttl) {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        return deliver(client.getLeaseClient().grant(seconds), response -> new LeaseGrant(response.getID(), response.getTTL()));
    }

    /**
     * Sends one keep-alive for {@code lease}; yields the TTL etcd granted in seconds. Fails with
     * jetcd's NOT_FOUND error when the lease no longer exists.
     */
    public CompletableFuture<Long> keepAliveOnce(long lease) {
        return deliver(client.getLeaseClient().keepAliveOnce(lease), response -> response.getTTL());
    }

    /** Revokes {@code lease}, deleting every key bound to it in one revision. */
    public CompletableFuture<Void> revokeLease(long lease) {
        return deliver(client.getLeaseClient().revoke(lease), response -> null);
    }

    /** The seconds {@code lease} has left, or -1 when etcd no longer has it. */
    public CompletableFuture<Long> leaseTimeToLive(long lease) {
        return deliver(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT), response -> response.getTTL());
    }

    /**
     * Watches {@code range} from {@code fromRevision} (at least 1; normally the revision of a read
     * plus one) until closed or compacted. Never misses or repeats a change; see {@link WatchListener}.
     */
    public Watch watch(KeyRange range, long fromRevision, WatchListener listener) {
        return watch(range, fromRevision, listener, new SerialExecutor(callbacks));
    }

    /**
     * Watches as {@link #watch(KeyRange, long, WatchListener)} does, but only puts reach
     * {@code listener}: etcd leaves deletes out of the stream (its {@code NODELETE} filter), so a
     * watcher that acts on new records alone receives and decodes nothing else.
     */
    public Watch watchPuts(KeyRange range, long fromRevision, WatchListener listener) {
        return start(range, fromRevision, listener, new SerialExecutor(callbacks), true);
    }

    /**
     * Watches as {@link #watch(KeyRange, long, WatchListener)} does, calling {@code listener} on
     * {@code delivery} instead of the callback executor: a caller that handles every change on its
     * own thread passes that thread and saves a thread hop onto it. {@code delivery} must run tasks
     * one at a time in submission order (a single-threaded executor or a {@link SerialExecutor}) and
     * not on the client's threads (rule 6 of {@code docs/architecture.md}); news it rejects, once
     * its owner has shut it down, is dropped.
     */
    public Watch watch(KeyRange range, long fromRevision, WatchListener listener, Executor delivery) {
        return start(range, fromRevision, listener, Objects.requireNonNull(delivery, "delivery"), false);
    }

    private Watch start(KeyRange range, long fromRevision, WatchListener listener, Executor delivery,
                        boolean putsOnly) {
        if (fromRevision < 1) {
            throw new IllegalArgumentException("a watch must start at a known revision >= 1, got " + fromRevision);
        }
        ensureOpen();
        ResumableWatch watch = new ResumableWatch(client.getWatchClient(), range, fromRevision,
                Objects.requireNonNull(listener, "listener"), delivery, putsOnly, scheduler);
        watch.start();
        return watch;
    }

    /**
     * Completes the returned future on the callback executor with {@code convert}ed result, or with
     * the failure unwrapped; a request still unanswered after the request timeout fails with
     * {@link StoreTimeoutException}. After {@link #close()} the callback executor is gone and the
     * future fails with an {@link IllegalStateException} instead of never completing.
     */
    private <R, T> CompletableFuture<T> deliver(CompletableFuture<R> request, Function<R, T> convert) {
        return deliver(request, convert, callbacks);
    }

    /** As {@link #deliver(CompletableFuture, Function)}, completing on {@code completion}. */
    private <R, T> CompletableFuture<T> deliver(CompletableFuture<R> request, Function<R, T> convert, Executor completion) {
        CompletableFuture<T> out = new CompletableFuture<>();
        request.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((response, error) -> {
            if (error == null) {
                try {
                    out.complete(convert.apply(response));
                } catch (RuntimeException e) {
                    out.completeExceptionally(e);
                }
                return;
            }
            Throwable cause = unwrap(error);
            out.completeExceptionally(cause instanceof TimeoutException
                    ? new StoreTimeoutException("no answer from " + endpoints + " within " + requestTimeout)
                    : cause);
        }, completion).whenComplete((ignored, error) -> {
            if (error != null && unwrap(error) instanceof RejectedExecutionException) {
                out.completeExceptionally(new IllegalStateException("etcd connection to " + endpoints + " is closed"));
            }
        });
        return out;
    }

    private static boolean isTooLarge(Throwable error) {
        return Status.fromThrowable(error).getCode() == Status.Code.RESOURCE_EXHAUSTED
                || (error instanceof EtcdException etcdError && etcdError.getErrorCode() == ErrorCode.RESOURCE_EXHAUSTED);
    }

    private static List<KeyValue> keyValues(GetResponse response) {
        List<KeyValue> kvs = new ArrayList<>(response.getKvs().size());
        for (io.etcd.jetcd.KeyValue kv : response.getKvs()) {
            kvs.add(KeyValue.of(kv));
        }
        return Collections.unmodifiableList(kvs);
    }

    /**
     * True when {@code error} (unwrapped) is etcd's answer that a lease does not exist: the lease
     * expired or was revoked, so every key bound to it is gone.
     */
    public static boolean isLeaseGone(Throwable error) {
        Throwable cause = unwrap(error);
        // jetcd maps errors to EtcdException on some calls (keep-alive) and leaves the gRPC status
        // on others (revoke).
        return cause instanceof EtcdException etcdError ? etcdError.getErrorCode() == ErrorCode.NOT_FOUND
                : Status.fromThrowable(cause).getCode() == Status.Code.NOT_FOUND;
    }

    /**
     * Waits for {@code future} and returns its result; a failure is thrown as the facade reported
     * it (a {@link RuntimeException} without the {@link CompletionException} around it).
     */
    public static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw unwrap(e) instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** Strips the {@link CompletionException} and {@link ExecutionException} wrappers off a failure. */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("etcd connection to " + endpoints + " is closed");
        }
    }


    /** Closes the jetcd client and the executors this connection created. Idempotent and bounded. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        for (ExecutorService pool : owned) {
            pool.shutdown();
        }
        for (ExecutorService pool : owned) {
            try {
                if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Builds an {@link Etcd}; every setting is validated and names the bad value. */
    public static final class Builder {
        private List<URI> endpoints = List.of(URI.create("http://127.0.0.1:2379"));
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Executor callbackExecutor;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private Path trustedCa;
        private Path clientCertificate;
        private Path clientKey;
        private String user;
        private String password;
        private SslContext sslContext;

        private Builder() {
        }

        /**
         * Connects over TLS, trusting exactly the CA certificates in {@code caFile} (PEM) to sign
         * the servers' certificates; the endpoints must then be {@code https://}. A server
         * certificate must name the endpoint's host (DNS name or IP address) among its subject
         * alternative names.
         */
        public Builder trustedCa(Path caFile) {
            this.trustedCa = Objects.requireNonNull(caFile, "caFile");
            return this;
        }

        /**
         * Presents this client certificate (PEM) and its private key (unencrypted PEM PKCS#8) to
         * servers that require one (etcd's {@code --client-cert-auth}); needs {@link #trustedCa}.
         */
        public Builder clientCertificate(Path certificate, Path privateKey) {
            this.clientCertificate = Objects.requireNonNull(certificate, "certificate");
            this.clientKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /**
         * Authenticates as etcd user {@code user} (etcd's {@code auth enable}). The password is
         * kept only to hand to the client library; no string, log line or error of this
         * connection contains it.
         */
        public Builder credentials(String user, String password) {
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("user must not be blank, got \"" + user + "\"");
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("the password of user \"" + user + "\" must not be empty");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /** Keys per page when a prefix is read; default 10,000. */
        public Builder pageSize(int keys) {
            if (keys < 1) {
                throw new IllegalArgumentException("page size must be at least 1 key, got " + keys);
            }
            this.pageSize = keys;
            return this;
        }

        /** The largest single response accepted; default 64 MiB. A larger page is re-read in halves. */
        public Builder maxResponseBytes(int bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("max response size must be at least 4096 bytes, got " + bytes);
            }
            this.maxResponseBytes = bytes;
            return this;
        }

        /**
         * Endpoints as {@code host:port}, {@code http://host:port} or {@code https://host:port}
         * (TLS: see {@link #trustedCa}); default {@code 127.0.0.1:2379}.
         */
        public Builder endpoints(String... endpoints) {
            this.endpoints = Endpoints.parse(List.of(endpoints));
            return this;
        }

        /** Endpoints as {@code host:port}, {@code http://host:port} or {@code https://host:port}. */
        public Builder endpoints(List<String> endpoints) {
            this.endpoints = Endpoints.parse(endpoints);
            return this;
        }

        /** The bound on each request; default 5 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("request timeout", timeout);
            return this;
        }

        /** The bound on establishing a connection; default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connect timeout", timeout);
            return this;
        }

        /**
         * Where futures complete and watch events are delivered; default: a cached pool of daemon
         * threads named {@code baton-callback-N}, owned and shut down by the connection.
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @throws IllegalArgumentException when the endpoints mix {@code http://} and
         *     {@code https://}, use {@code https://} without {@link #trustedCa} or {@code http://}
         *     with it, or a certificate or key file is missing, unreadable, malformed or (a
         *     client certificate) not valid now; the message names the endpoint or file
         */
        public Etcd build() {
            boolean https = endpoints.get(0).getScheme().equals("https");
            for (URI endpoint : endpoints) {
                if (endpoint.getScheme().equals("https") != https) {
                    throw new IllegalArgumentException("endpoints " + endpoints + " mix http:// and https://; use one scheme");
                }
            }
            if (https && trustedCa == null) {
                throw new IllegalArgumentException("endpoints " + endpoints + " use https:// but no trusted CA file was "
                        + "given to verify the server's certificate");
            }
            if (!https && trustedCa != null) {
                throw new IllegalArgumentException("a trusted CA file (" + trustedCa + ") was given but endpoints "
                        + endpoints + " use plain http://; write them as https://host:port");
            }
            if (clientCertificate != null && trustedCa == null) {
                throw new IllegalArgumentException("a client certificate (" + clientCertificate + ") needs TLS: give the "
                        + "trusted CA file and https:// endpoints as well");
            }
            sslContext = trustedCa == null ? null : new ClientTls(trustedCa, Optional.ofNullable(clientCertificate),
                    Optional.ofNullable(clientKey)).sslContext();
            return new Etcd(this);
        }

        /** How the connection authenticates, for {@link Etcd#toString()}: never the password. */
        private String describeSecurity() {
            return (trustedCa == null ? "" : clientCertificate == null ? " tls" : " tls+client-certificate")
                    + (user == null ? "" : " user=" + user);
        }

        private static Duration positive(String what, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + value);
            }
            return value;
        }
    }
}
