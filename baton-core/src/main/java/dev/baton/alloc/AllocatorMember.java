package dev.baton.alloc;

import dev.baton.alloc.AllocatorKeyspace.KeyKind;
import dev.baton.cache.CacheEntry;
import dev.baton.cache.CacheEvent;
import dev.baton.cache.CacheSnapshot;
import dev.baton.cache.KeyspaceCache;
import dev.baton.etcd.Backoff;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operations;
import dev.baton.etcd.SerialExecutor;
import dev.baton.etcd.TxnResult;
import dev.baton.session.Session;
import dev.baton.session.SessionListener;
import dev.baton.session.SessionState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of an allocator namespace: it announces itself, learns the routes of the items it is
 * given, writes its status for each, and leaves gracefully.
 *
 * <p>{@link Builder#start()} creates the member key {@code <ns>alloc/members/<id>} on the
 * session's lease with the member's zone and capacity, and mirrors the assignment keys in a
 * {@link KeyspaceCache}. The leader ({@link Allocator}) creates this member's assignments on the
 * same lease, so they vanish with the session. The {@link RouteListener} hears the route of every
 * item this member holds; the application reports its progress on an item with
 * {@link #writeStatus}, which the leader's {@link ReadinessCheck} reads.
 *
 * <p>On each session state: CONNECTED — the member key exists on the current lease (after a lost
 * session renewed itself, the member joins again with the new lease); SUSPENDED — nothing
 * changes, the assignments stay valid until the session's deadline; LOST — every held item is
 * reported with index -1 at once, before etcd can expire the lease and the leader can give the
 * items to anyone else; CLOSED — the same, for good.
 *
 * <p>{@link #reshape(String, int)} changes the member's zone and capacity in place; the leader
 * moves replicas to match. {@link #exit(Duration)} drains: it marks the member exiting, so the leader moves every item
 * off it with safe handoffs, waits until it holds nothing, then closes.
 */
public final class AllocatorMember implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AllocatorMember.class);

    /** Largest status a member may write: the leader reads every status of every item. */
    public static final int MAX_STATUS_BYTES = 64 * 1024;

    private final Session session;
    private final Etcd etcd;
    private final AllocatorKeyspace keys;
    private final String id;
    private final RouteListener listener;
    private final SerialExecutor events;
    private final ScheduledExecutorService timer;
    private final KeyspaceCache<StoredRecord> assignments;
    private final SessionListener sessionListener = this::onSession;
    private final Object keyWrites = new Object();

    // Guarded by this.
    private String zone;
    private int capacity;
    private long joinedLease;
    private long memberToken;
    private boolean exiting;
    private boolean closed;

    // Touched on the events executor only.
    private final Map<String, ItemRoute> held = new HashMap<>();
    // Published copy of held; waiters for a drain are notified on heldLock.
    private volatile Map<String, ItemRoute> heldView = Map.of();
    private final Object heldLock = new Object();

    private AllocatorMember(Builder builder) {
        this.session = builder.session;
        this.etcd = session.etcd();
        this.keys = builder.keys;
        this.id = builder.id;
        this.zone = builder.zone;
        this.capacity = builder.capacity;
        this.listener = builder.listener;
        this.events = new SerialExecutor(builder.listenerExecutor != null ? builder.listenerExecutor : etcd.callbackExecutor());
        String threadName = "baton-alloc-member-" + id;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.assignments = KeyspaceCache.builder(etcd, keys.assignments(), (key, value) -> StoredRecord.decode(keys, key, value))
                    .listener(event -> events.execute(() -> onAssignmentChange(event)))
                    .start();
        } catch (RuntimeException e) {
            timer.shutdownNow();
            throw e;
        }
    }

    /**
     * Starts building member {@code id} of the allocator under {@code namespace} (a prefix ending
     * in '/') on {@code session}.
     */
    public static Builder builder(Session session, String namespace, String id) {
        return new Builder(Objects.requireNonNull(session, "session"), new AllocatorKeyspace(namespace),
                Ids.check("member id", id));
    }

    public String id() {
        return id;
    }

    /** The routes of the items this member holds now, by item id. */
    public Map<String, ItemRoute> held() {
        return heldView;
    }

    /** The route of any item as this member's cache sees it now. */
    public ItemRoute route(String item) {
        return routeNow(assignments.snapshot(), item);
    }

    /**
     * Writes this member's status for {@code item}, in one transaction guarded by the assignment's
     * token, so it lands only on the very assignment the application was told about. Yields false,
     * without writing, when this member does not hold that assignment now (it was removed, or
     * belongs to a lost session), and false when the guard fails in the store.
     *
     * @throws IllegalArgumentException naming the size when {@code status} exceeds {@link #MAX_STATUS_BYTES}
     */
    public CompletableFuture<Boolean> writeStatus(String item, long token, String status) {
        Objects.requireNonNull(status, "status");
        byte[] value = status.getBytes(StandardCharsets.UTF_8);
        if (value.length > MAX_STATUS_BYTES) {
            throw new IllegalArgumentException("status of item '" + item + "' must be at most " + MAX_STATUS_BYTES
                    + " bytes of UTF-8, is " + value.length);
        }
        String key = keys.assignment(new Assignment(item, id));
        Optional<CacheEntry<StoredRecord>> entry = assignments.get(key);
        long lease = validLease();
        if (entry.isEmpty() || entry.get().createRevision() != token || lease == 0 || entry.get().lease() != lease) {
            return CompletableFuture.completedFuture(false);
        }
        return etcd.txn(List.of(Compares.createRevisionIs(key, token)), List.of(Operations.put(key, value, lease)), List.of())
                .thenApply(TxnResult::succeeded);
    }

    /**
     * The compare {@code createRevision(assignment key) == token}: put it into the application's own
     * transactions made on behalf of this assignment, so they fail once it is gone.
     */
    public Guard fence(String item, long token) {
        return Compares.createRevisionIs(keys.assignment(new Assignment(item, id)), token);
    }

    /**
     * Leaves gracefully: marks the member exiting, so the leader hands every item it holds to
     * other members (each removal waiting until the item has enough ready replicas elsewhere),
     * waits until it holds nothing or {@code timeout} passes, then {@link #close() closes}.
     *
     * @return true when every item was handed off before closing
     */
    public boolean exit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            if (closed) {
                return heldView.isEmpty();
            }
            exiting = true;
        }
        try {
            writeMemberKey();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("member '{}' could not mark itself exiting yet ({}); it will when it joins again", id, Etcd.unwrap(e).toString());
        }
        boolean drained;
        synchronized (heldLock) {
            while (!heldView.isEmpty() && System.nanoTime() - deadline < 0) {
                TimeUnit.NANOSECONDS.timedWait(heldLock, deadline - System.nanoTime());
            }
            drained = heldView.isEmpty();
        }
        if (!drained) {
            LOG.warn("member '{}' still held {} after {}; closing anyway", id, heldView.keySet(), timeout);
        }
        close();
        return drained;
    }

    /**
     * Moves this member to {@code zone} with {@code capacity}, without leaving: the member key is
     * rewritten (fenced by its token) and the leader moves replicas toward the new shape with its
     * usual safe handoffs. Below what the member holds, a lower capacity hands the excess to
     * others, each removal waiting until its item is safe without it. When this throws, the store
     * may still hold the old shape; the member keeps the new one and writes it when it joins again.
     *
     * @throws IllegalArgumentException naming the value when the zone is not a valid id or the
     *                                  capacity is negative
     */
    public void reshape(String zone, int capacity) throws ExecutionException, TimeoutException, InterruptedException {
        Ids.check("zone of member '" + id + "'", zone);
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity of member '" + id + "' must be >= 0, got " + capacity);
        }
        synchronized (this) {
            this.zone = zone;
            this.capacity = capacity;
        }
        writeMemberKey();
        LOG.info("member '{}' is now in zone '{}' with capacity {}", id, zone, capacity);
    }

    /**
     * Stops: no new route report starts after this returns (one already running may finish), the
     * member key is deleted (fenced by its token), and the cache is closed. Assignments still held stay on the session's lease until
     * the leader removes them, which it does as soon as each item is safe without them, or until
     * the session is closed. Idempotent and bounded by the request timeout.
     */
    @Override
    public void close() {
        long token;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            token = memberToken;
        }
        session.removeListener(sessionListener);
        timer.shutdownNow();
        if (token != 0) {
            String key = keys.member(id);
            try {
                etcd.txn(List.of(Compares.createRevisionIs(key, token)), List.of(Operations.delete(KeyRange.key(key))), List.of())
                        .get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("member '{}' could not delete its key on close ({}); it goes with the session's lease", id,
                        Etcd.unwrap(e).toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assignments.close();
        synchronized (heldLock) {
            heldLock.notifyAll();
        }
    }

    @Override
    public String toString() {
        return "AllocatorMember[" + keys.namespace() + " " + id + "]";
    }

    /**
     * Creates the member key on the lease {@code leases} gives at each attempt: the session's
     * current lease at start (the session may renew itself while the first join waits), a fixed
     * one on a rejoin.
     */
    private void join(LongSupplier leases, long deadlineNanos) throws InterruptedException {
        String key = keys.member(id);
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        Throwable last = null;
        while (true) {
            long lease = leases.getAsLong();
            Member shape;
            long previousLease;
            synchronized (this) {
                if (closed) {
                    return;
                }
                shape = new Member(id, zone, capacity, exiting);
                previousLease = joinedLease;
            }
            byte[] value = StoredValues.member(shape);
            try {
                // Create-if-absent: a repeat after an unknown outcome finds its own key, on this lease.
                TxnResult result = etcd.txn(List.of(Compares.absent(key)), List.of(Operations.put(key, value, lease)),
                        List.of(Operations.get(key))).get();
                Optional<KeyValue> existing = result.gets().isEmpty() || result.gets().get(0).isEmpty()
                        ? Optional.empty() : Optional.of(result.gets().get(0).get(0));
                if (result.succeeded() || existing.map(kv -> kv.lease() == lease).orElse(false)) {
                    long token = result.succeeded() ? result.revision() : existing.get().createRevision();
                    synchronized (this) {
                        joinedLease = lease;
                        memberToken = token;
                    }
                    LOG.info("member '{}' joined in zone '{}' with capacity {} (lease {})", id, shape.zone(), shape.capacity(),
                            Long.toHexString(lease));
                    return;
                }
                if (existing.isPresent() && previousLease != 0 && existing.get().lease() == previousLease) {
                    // Our own key from a lost session: its lease may outlive the local deadline a little.
                    etcd.txn(List.of(Compares.createRevisionIs(key, existing.get().createRevision())),
                            List.of(Operations.delete(KeyRange.key(key))), List.of()).get();
                    continue;
                }
                last = new IllegalStateException("member id '" + id + "' is held by another session (lease "
                        + existing.map(kv -> Long.toHexString(kv.lease())).orElse("?") + ")");
            } catch (ExecutionException e) {
                last = Etcd.unwrap(e);
            }
            if (backoff.attempts() == 0) {
                LOG.info("member '{}' cannot join yet ({}); retrying with backoff", id, last.toString());
            }
            Duration pause = backoff.next();
            if (System.nanoTime() + pause.toNanos() - deadlineNanos > 0) {
                throw new IllegalStateException("member '" + id + "' could not join: " + last.getMessage(), last);
            }
            Thread.sleep(pause.toMillis());
        }
    }

    /**
     * Rewrites the member key with the current zone, capacity and exiting flag, fenced by its
     * token. One rewrite at a time, so the last to land carries the latest shape.
     */
    private void writeMemberKey() throws ExecutionException, TimeoutException, InterruptedException {
        synchronized (keyWrites) {
            long lease;
            long token;
            byte[] value;
            synchronized (this) {
                lease = joinedLease;
                token = memberToken;
                value = StoredValues.member(new Member(id, zone, capacity, exiting));
            }
            if (token == 0) {
                return;
            }
            String key = keys.member(id);
            etcd.txn(List.of(Compares.createRevisionIs(key, token)), List.of(Operations.put(key, value, lease)), List.of())
                    .get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void onSession(SessionState state, long lease) {
        if (state == SessionState.CONNECTED) {
            boolean rejoin;
            synchronized (this) {
                rejoin = !closed && lease != joinedLease;
            }
            if (rejoin) {
                timer.execute(() -> rejoin(lease));
            }
        }
        events.execute(this::refreshAll);
    }

    /** Joins again after a lost session renewed itself with {@code lease}; gives up when it changes again. */
    private void rejoin(long lease) {
        try {
            join(() -> lease, System.nanoTime() + session.ttl().toNanos() * 4);
            events.execute(this::refreshAll);
        } catch (IllegalStateException e) {
            if (session.lease() == lease) {
                LOG.warn("{}; trying again", e.getMessage());
                timer.schedule(() -> rejoin(lease), session.ttl().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The lease this member's assignments are on while the session is valid; 0 otherwise. */
    private long validLease() {
        long lease;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            lease = joinedLease;
        }
        SessionState state = session.state();
        boolean valid = (state == SessionState.CONNECTED || state == SessionState.SUSPENDED) && session.lease() == lease;
        return valid ? lease : 0;
    }

    private ItemRoute routeNow(CacheSnapshot<StoredRecord> snapshot, String item) {
        List<CacheEntry<StoredRecord>> entries = snapshot.stream(keys.itemAssignments(item)).toList();
        return ItemRoute.of(item, entries, id, validLease());
    }

    /** True between joining and closing; events before the join are covered by the refresh that follows it. */
    private synchronized boolean active() {
        return !closed && memberToken != 0;
    }

    private void onAssignmentChange(CacheEvent<StoredRecord> event) {
        if (!active()) {
            return;
        }
        if (event.kind() == CacheEvent.Kind.RESYNCED) {
            refreshAll();
        } else if (keys.parse(event.key()) instanceof KeyKind.AssignmentKey k) {
            refresh(assignments.snapshot(), k.assignment().item());
        }
    }

    /** Re-reports every item held or now assigned to this member. */
    private void refreshAll() {
        if (!active()) {
            return;
        }
        CacheSnapshot<StoredRecord> snapshot = assignments.snapshot();
        Set<String> items = new HashSet<>(held.keySet());
        String suffix = "/" + id;
        snapshot.stream().filter(e -> e.key().endsWith(suffix))
                .forEach(e -> items.add(((StoredRecord.AssignmentRecord) e.value()).assignment().item()));
        items.forEach(item -> refresh(snapshot, item));
    }

    private void refresh(CacheSnapshot<StoredRecord> snapshot, String item) {
        ItemRoute route = routeNow(snapshot, item);
        ItemRoute previous = held.get(item);
        if (route.index() < 0 && previous == null || route.equals(previous)) {
            return;
        }
        if (route.index() < 0) {
            held.remove(item);
        } else {
            held.put(item, route);
        }
        synchronized (heldLock) {
            heldView = Map.copyOf(held);
            heldLock.notifyAll();
        }
        try {
            listener.onRoute(route);
        } catch (RuntimeException e) {
            LOG.error("route listener of member '{}' failed on {}", id, route, e);
        }
    }

    /** Builds an {@link AllocatorMember}; every setting is validated and names the bad value. */
    public static final class Builder {
        private final Session session;
        private final AllocatorKeyspace keys;
        private final String id;
        private String zone = "default";
        private int capacity = 100;
        private RouteListener listener = route -> { };
        private Executor listenerExecutor;
        private Duration joinTimeout;

        private Builder(Session session, AllocatorKeyspace keys, String id) {
            this.session = session;
            this.keys = keys;
            this.id = id;
        }

        /** The failure zone this member runs in; default {@code "default"}. */
        public Builder zone(String zone) {
            this.zone = Ids.check("zone of member '" + id + "'", zone);
            return this;
        }

        /** The most replicas this member holds; default 100. */
        public Builder capacity(int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("capacity of member '" + id + "' must be >= 0, got " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** Told about the routes of the items this member holds; default: nobody. */
        public Builder listener(RouteListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Where the listener runs; default: the etcd connection's callback executor. */
        public Builder listenerExecutor(Executor executor) {
            this.listenerExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * How long {@link #start()} waits for the member id to be free: a previous process of the
         * same id that died keeps its key until its lease expires. Default: twice the session TTL.
         */
        public Builder joinTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("join timeout of member '" + id + "' must be positive, got " + timeout);
            }
            this.joinTimeout = timeout;
            return this;
        }

        /**
         * Loads the assignments, creates the member key and returns the joined member.
         *
         * @throws IllegalStateException when the member id stays held by another session past the
         *                               join timeout, or the store cannot be reached
         */
        public AllocatorMember start() throws InterruptedException {
            Duration timeout = joinTimeout != null ? joinTimeout : session.ttl().multipliedBy(2);
            AllocatorMember member = new AllocatorMember(this);
            try {
                member.join(session::lease, System.nanoTime() + timeout.toNanos());
            } catch (RuntimeException | InterruptedException e) {
                member.close();
                throw e;
            }
            session.addListener(member.sessionListener);
            return member;
        }
    }
}
