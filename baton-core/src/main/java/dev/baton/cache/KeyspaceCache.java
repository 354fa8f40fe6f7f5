package dev.baton.cache;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decoded, sorted, consistent mirror of every key under a prefix, kept current by a watch. See
 * the package documentation for the model, the guarantees and the slow-listener policy.
 *
 * <pre>{@code
 * try (KeyspaceCache<Task> tasks = KeyspaceCache.builder(etcd, "baton/tasks/", Task::decode)
 *         .listener(event -> log.info("{} {}", event.kind(), event.key()))
 *         .start()) {
 *     long written = etcd.put("baton/tasks/t1", bytes, 0).get();
 *     tasks.awaitRevision(written, Duration.ofSeconds(5));
 *     Optional<CacheEntry<Task>> t1 = tasks.get("baton/tasks/t1");
 * }
 * }</pre>
 *
 * @param <T> the decoded value type
 */
public final class KeyspaceCache<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyspaceCache.class);
    private static final AtomicInteger TIMER_IDS = new AtomicInteger();
    /** How long a wait relies on the watch alone before the cache reads the prefix to catch up. */
    private static final Duration CATCH_UP_GRACE = Duration.ofMillis(200);

    private final Etcd etcd;
    private final KeyRange range;
    private final Decoding<T> decoding;
    private final Executor listenerExecutor;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Duration startTimeout;
    private final List<ListenerDispatch<T>> dispatches = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Long> firstLoad = new CompletableFuture<>();

    /** Guards every change below, so watch callbacks, reloads and close() apply one at a time. */
    private final Object lock = new Object();
    private final RevisionWaiters waiters = new RevisionWaiters();
    private final Backoff loadBackoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    private final Backoff catchUpBackoff = new Backoff(CATCH_UP_GRACE, Duration.ofSeconds(5));
    private volatile CacheContents contents = CacheContents.EMPTY;
    private volatile CacheState state = CacheState.LOADING;
    private volatile LoadReport lastLoad;
    private Watch watch;
    private int watchGeneration;
    private boolean loadFailing;
    private Throwable lastLoadError;
    private boolean catchUpScheduled;
    private boolean catchUpReading;

    private KeyspaceCache(Builder<T> builder) {
        this.etcd = builder.etcd;
        this.range = KeyRange.prefix(builder.prefix);
        this.decoding = new Decoding<>(builder.prefix, builder.decoder);
        this.listenerExecutor = builder.listenerExecutor != null ? builder.listenerExecutor : etcd.callbackExecutor();
        if (builder.scheduler != null) {
            this.scheduler = builder.scheduler;
            this.ownsScheduler = false;
        } else {
            String name = "baton-cache-timer-" + TIMER_IDS.incrementAndGet();
            this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, name);
                thread.setDaemon(true);
                return thread;
            });
            this.ownsScheduler = true;
        }
        this.startTimeout = builder.startTimeout;
        builder.listeners.forEach(listener -> dispatches.add(new ListenerDispatch<>(listener, listenerExecutor, builder.prefix)));
    }

    /**
     * Starts building a cache of every key under {@code prefix}, decoding values with {@code decoder}.
     * The prefix must end in {@code /} (rule 8 of {@code docs/architecture.md}), so a cache of {@code tasks/a/} never sees
     * {@code tasks/ab}.
     */
    public static <T> Builder<T> builder(Etcd etcd, String prefix, ValueDecoder<T> decoder) {
        return new Builder<>(etcd, prefix, decoder);
    }

    /** The prefix this cache mirrors. */
    public String prefix() {
        return decoding.prefix();
    }

    /** The decoded entry under {@code key}: empty when absent or undecodable. Fails for a key outside the prefix. */
    public Optional<CacheEntry<T>> get(String key) {
        return snapshot().get(key);
    }

    /** The whole decoded view at the cache's current revision; immutable, and free to take. */
    public CacheSnapshot<T> snapshot() {
        return new CacheSnapshot<>(contents, decoding);
    }

    /**
     * The store revision the cache is exact at: every change up to it has been applied. It follows
     * the mod revisions of applied changes, etcd's periodic progress notifications and the cache's
     * own reads of the prefix.
     */
    public long revision() {
        return contents.revision();
    }

    /** The keys under the prefix whose current value failed to decode, in key order. */
    public Map<String, DecodeError> decodeErrors() {
        return snapshot().decodeErrors();
    }

    public CacheState state() {
        return state;
    }

    /** True while the cache is loaded and watching (not loading, not reloading after a compaction). */
    public boolean isSynced() {
        return state == CacheState.SYNCED;
    }

    /** Events queued for listeners and not delivered yet; at most one per key per listener (plus a marker). */
    public int pendingEvents() {
        return dispatches.stream().mapToInt(ListenerDispatch::pending).sum();
    }

    /**
     * A future completed, with the cache's revision, once the cache has applied {@code revision}.
     * Its dependent stages run on the listener executor. When the watch has not brought the cache
     * there within a short grace period (nothing under the prefix changed at that revision, or the
     * watch lags), the cache reads the prefix once at the current revision and applies the
     * difference (see the package documentation), so it completes either way. It fails when the
     * cache is closed or its watch fails for good.
     */
    public CompletableFuture<Long> whenApplied(long revision) {
        return reached(revision).thenApplyAsync(Function.identity(), listenerExecutor);
    }

    /**
     * Waits until the cache has applied {@code revision}, typically the revision a write of this
     * member returned, so that a following read sees that write. Returns false on timeout.
     *
     * @throws IllegalStateException when the cache is closed or its watch failed for good
     */
    public boolean awaitRevision(long revision, Duration timeout) throws InterruptedException {
        try {
            reached(revision).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cache " + prefix() + " cannot reach revision " + revision, e.getCause());
        }
    }

    /**
     * Registers another listener. It first receives the current view as ADDED events and a
     * RESYNCED marker (when the cache is loaded), then every change, like a listener given to the builder.
     */
    public void addListener(CacheListener<T> listener) {
        ListenerDispatch<T> dispatch = new ListenerDispatch<>(Objects.requireNonNull(listener, "listener"),
                listenerExecutor, prefix());
        synchronized (lock) {
            if (state == CacheState.CLOSED) {
                throw new IllegalStateException("cache " + prefix() + " is closed");
            }
            dispatches.add(dispatch);
            if (state != CacheState.LOADING) {
                List<KeyChange<T>> current = new ArrayList<>();
                snapshot().stream().sorted(Comparator.comparingLong(CacheEntry::modRevision)).forEach(entry ->
                        current.add(new KeyChange<>(entry.key(), null, entry.value(), null, entry.modRevision())));
                dispatch.offer(current, contents.revision());
            }
        }
    }

    /** Stops delivering to {@code listener}; what was queued for it is dropped. */
    public void removeListener(CacheListener<T> listener) {
        for (ListenerDispatch<T> dispatch : dispatches) {
            if (dispatch.listener == listener) {
                dispatches.remove(dispatch);
                dispatch.close();
            }
        }
    }

    /** The last full load: what it read and how long it took. */
    LoadReport lastLoad() {
        return lastLoad;
    }

    private CompletableFuture<Long> reached(long revision) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        boolean schedule;
        synchronized (lock) {
            if (state == CacheState.CLOSED || state == CacheState.FAILED) {
                future.completeExceptionally(new IllegalStateException("cache " + prefix() + " is " + state));
                return future;
            }
            long current = contents.revision();
            if (current >= revision) {
                future.complete(current);
                return future;
            }
            waiters.add(revision, future);
            schedule = !catchUpScheduled;
            catchUpScheduled = true;
            catchUpBackoff.reset();
        }
        if (schedule) {
            schedule(this::catchUp, CATCH_UP_GRACE);
        }
        return future;
    }

    /**
     * Reads the prefix for whoever still waits, then again at growing intervals while anyone does.
     * Why a read and not a requested progress notification: etcd before 3.4.25 and 3.5.8 (issue
     * 15220) may answer a progress request with a revision whose events it has not sent yet, and
     * the watch would then take the late events for repeats. A read is exact on every version.
     */
    private void catchUp() {
        Duration next;
        boolean read;
        synchronized (lock) {
            waiters.prune();
            if (waiters.isEmpty() || state == CacheState.CLOSED || state == CacheState.FAILED) {
                catchUpScheduled = false;
                return;
            }
            next = catchUpBackoff.next();
            read = state == CacheState.SYNCED && !catchUpReading;
            catchUpReading |= read;
        }
        if (read) {
            etcd.range(range, 0).whenComplete((result, error) -> {
                if (error != null) {
                    LOG.debug("cache {}: catch-up read failed ({}); retrying", prefix(), error.toString());
                }
                caughtUp(result);
            });
        }
        schedule(this::catchUp, next);
    }

    /** Applies a catch-up read (null when it failed): its differences are real changes, reported as the watch would have. */
    private void caughtUp(RangeResult read) {
        synchronized (lock) {
            catchUpReading = false;
            if (read == null || state != CacheState.SYNCED || read.revision() <= contents.revision()) {
                return;
            }
            List<KeyChange<T>> changes = new ArrayList<>();
            publish(contents.reload(read, decoding, changes));
            for (ListenerDispatch<T> dispatch : dispatches) {
                dispatch.offer(changes, 0);
            }
            LOG.debug("cache {}: caught up to revision {} by a read ({} differences)", prefix(), read.revision(),
                    changes.size());
        }
    }

    private void start() {
        load();
        try {
            firstLoad.get(startTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new CacheStartException("interrupted while loading " + prefix(), e);
        } catch (TimeoutException | ExecutionException e) {
            Throwable cause;
            synchronized (lock) {
                cause = lastLoadError;
            }
            close();
            throw new CacheStartException("cannot load " + prefix() + " from etcd at " + etcd.endpoints() + " within "
                    + startTimeout + (cause == null ? "" : ": " + cause), cause);
        }
    }

    /** Reads the whole prefix at the current revision; on failure, tries again after a backoff. */
    private void load() {
        long started = System.nanoTime();
        CompletableFuture<RangeResult> read;
        try {
            read = etcd.range(range, 0);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        read.whenComplete((result, error) -> {
            if (error != null) {
                loadFailed(Etcd.unwrap(error));
            } else {
                loaded(result, System.nanoTime() - started);
            }
        });
    }

    private void loadFailed(Throwable error) {
        synchronized (lock) {
            if (state == CacheState.CLOSED) {
                return;
            }
            lastLoadError = error;
            if (!loadFailing) {
                loadFailing = true;
                LOG.warn("cache {}: cannot read the prefix from etcd at {} ({}); retrying with backoff", prefix(),
                        etcd.endpoints(), error.toString());
            }
            schedule(this::load, loadBackoff.next());
        }
    }

    private void loaded(RangeResult read, long readNanos) {
        long applyStarted = System.nanoTime();
        int generation;
        synchronized (lock) {
            if (state == CacheState.CLOSED) {
                return;
            }
            boolean initial = state == CacheState.LOADING;
            List<KeyChange<T>> changes = new ArrayList<>();
            publish(contents.reload(read, decoding, changes));
            long took = readNanos + System.nanoTime() - applyStarted;
            lastLoad = new LoadReport(read.revision(), read.kvs().size(), changes.size(), Duration.ofNanos(took));
            for (ListenerDispatch<T> dispatch : dispatches) {
                dispatch.offer(changes, read.revision());
            }
            LOG.info("cache {}: {} {} keys at revision {} in {} ms ({} differences)", prefix(),
                    initial ? "loaded" : "reloaded", read.kvs().size(), read.revision(), took / 1_000_000, changes.size());
            loadFailing = false;
            lastLoadError = null;
            loadBackoff.reset();
            state = CacheState.SYNCED;
            generation = ++watchGeneration;
        }
        firstLoad.complete(read.revision());
        openWatch(generation, read.revision() + 1);
    }

    private void openWatch(int generation, long fromRevision) {
        Watch opened;
        try {
            opened = etcd.watch(range, fromRevision, new Follower(generation));
        } catch (RuntimeException e) {
            watchFailed(generation, e);
            return;
        }
        boolean stale;
        synchronized (lock) {
            stale = generation != watchGeneration;
            if (!stale) {
                watch = opened;
            }
        }
        if (stale) {
            opened.close();
        }
    }

    private void watchFailed(int generation, Throwable cause) {
        synchronized (lock) {
            if (generation != watchGeneration) {
                return;
            }
            watchGeneration++;
            watch = null;
            state = CacheState.FAILED;
            waiters.failAll(new IllegalStateException("the watch of cache " + prefix() + " failed", cause));
        }
        LOG.error("cache {}: watch failed for good at revision {}; serving the last contents", prefix(), revision(), cause);
    }

    /** Installs new contents and releases whoever waited for their revision. Called under {@code lock}. */
    private void publish(CacheContents next) {
        contents = next;
        waiters.reached(next.revision());
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            if (state != CacheState.CLOSED) {
                LOG.warn("cache {}: its scheduler refused work; the cache stops updating", prefix());
            }
        }
    }

    /**
     * Stops the watch, drops undelivered events and fails pending waits. Does not wait for a
     * listener that is running. Idempotent and bounded.
     */
    @Override
    public void close() {
        Watch current;
        synchronized (lock) {
            if (state == CacheState.CLOSED) {
                return;
            }
            state = CacheState.CLOSED;
            watchGeneration++;
            current = watch;
            watch = null;
            waiters.failAll(new IllegalStateException("cache " + prefix() + " is closed"));
        }
        dispatches.forEach(ListenerDispatch::close);
        if (current != null) {
            current.close();
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        firstLoad.completeExceptionally(new IllegalStateException("cache " + prefix() + " is closed"));
        LOG.info("cache {}: closed at revision {}", prefix(), revision());
    }

    @Override
    public String toString() {
        return "KeyspaceCache[" + prefix() + " " + state + " at " + revision() + "]";
    }

    /** Applies what one watch delivers, while that watch is the current one. */
    private final class Follower implements WatchListener {
        private final int generation;

        Follower(int generation) {
            this.generation = generation;
        }

        @Override
        public void onEvents(List<WatchEvent> events) {
            synchronized (lock) {
                if (generation != watchGeneration) {
                    return;
                }
                List<KeyChange<T>> changes = new ArrayList<>(events.size());
                publish(contents.apply(events, decoding, changes));
                for (ListenerDispatch<T> dispatch : dispatches) {
                    dispatch.offer(changes, 0);
                }
            }
        }

        @Override
        public void onProgress(long revision) {
            synchronized (lock) {
                if (generation == watchGeneration) {
                    publish(contents.at(revision));
                }
            }
        }

        @Override
        public void onCompacted(long compactRevision) {
            synchronized (lock) {
                if (generation != watchGeneration) {
                    return;
                }
                watchGeneration++;
                watch = null;
                state = CacheState.RESYNCING;
            }
            LOG.info("cache {}: history after revision {} was compacted (up to {}); reloading the prefix", prefix(),
                    revision(), compactRevision);
            load();
        }

        @Override
        public void onFailed(Throwable cause) {
            watchFailed(generation, cause);
        }
    }

    /**
     * One full read of the prefix.
     *
     * @param revision    the revision it was read at
     * @param keys        keys read
     * @param differences changes it found against the previous contents
     * @param took        from sending the read to having applied it
     */
    record LoadReport(long revision, int keys, int differences, Duration took) {
    }

    /** Builds and starts a {@link KeyspaceCache}; every setting is validated and names the bad value. */
    public static final class Builder<T> {
        private final Etcd etcd;
        private final String prefix;
        private final ValueDecoder<T> decoder;
        private final List<CacheListener<T>> listeners = new ArrayList<>();
        private Executor listenerExecutor;
        private ScheduledExecutorService scheduler;
        private Duration startTimeout = Duration.ofSeconds(10);

        private Builder(Etcd etcd, String prefix, ValueDecoder<T> decoder) {
            this.etcd = Objects.requireNonNull(etcd, "etcd");
            if (prefix == null || prefix.isEmpty() || !prefix.endsWith("/")) {
                throw new IllegalArgumentException("a cache prefix must be non-empty and end in '/', got "
                        + (prefix == null ? "null" : "'" + prefix + "'"));
            }
            this.prefix = prefix;
            this.decoder = Objects.requireNonNull(decoder, "decoder");
        }

        /** A listener that receives the initial load as ADDED events, a RESYNCED marker, then every change. */
        public Builder<T> listener(CacheListener<T> listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Where listeners run and where {@link #whenApplied} futures complete; default: the etcd
         * connection's callback executor. A blocked listener holds one of its threads, so give it an
         * executor with spare threads (the default cached pool has them).
         */
        public Builder<T> listenerExecutor(Executor executor) {
            this.listenerExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Times reload retries and catch-up reads; default: one daemon thread named
         * {@code baton-cache-timer-N}, owned and shut down by the cache.
         */
        public Builder<T> scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** How long {@link #start()} keeps trying to load the prefix; default 10 s. */
        public Builder<T> startTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("start timeout must be positive, got " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Loads the prefix (retrying with backoff), starts watching it from the revision after the
         * load, and returns once the load is applied.
         *
         * @throws CacheStartException when the prefix could not be read within the start timeout
         */
        public KeyspaceCache<T> start() {
            KeyspaceCache<T> cache = new KeyspaceCache<>(this);
            cache.start();
            return cache;
        }
    }
}
