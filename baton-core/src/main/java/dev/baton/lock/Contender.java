package dev.baton.lock;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.SerialExecutor;
import dev.baton.etcd.StepRetry;
import dev.baton.etcd.TxnResult;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a member at a lock: its contender key on the session's lease, followed from its
 * creation until it is released, deleted, or its lease is lost. {@link #acquired()} completes when
 * the key is admitted ({@link Admission}); from then on the same key is the {@link HeldLock}.
 *
 * <p>Each step is one request whose compare says what it protects: the key is created with
 * {@code if createRevision(key) == 0 then put else get}, so a create whose outcome was unknown is
 * sent again safely, and the same request reads the lock's contenders after it; the contender holds
 * if that read shows its own key and fewer blockers than permits. Otherwise it watches from just
 * after that read: the nearest blocker
 * only when one permit is shared (its deletion alone admits the contender when it was the last
 * blocker read, and causes a new read otherwise), every deletion under the lock when several are.
 * The value is an id of this attempt, so a second lock object on the same session, which would
 * derive the same key, is refused instead of sharing it. Every event is handled on one serial queue,
 * so the state below is only touched by one thread at a time. An uncontended acquire and release
 * are two requests, the create and the delete, as with etcd's lock service: the own-key watch opens
 * only after {@link #OWN_KEY_WATCH_DELAY}. Each thread hop costs a wake-up, on the path of every
 * acquire and release, so the queue runs a task in place when it is idle
 * ({@link SerialExecutor#executeInPlaceWhenIdle}): the create's answer is handled on the thread it
 * arrives on, which completes only {@link #acquired()}, awaited by the acquiring thread alone (the
 * held lock, and with it {@link #lost()}, is nobody's before); a release ends the attempt and sends
 * the delete on the releasing thread unless someone asked for {@link #lost()}, whose callbacks run on
 * the callback executor. A delete's success, or a session state that changes nothing, is not queued
 * at all. The attempts of a session share one session listener ({@link SessionAttempts}) and the
 * own-key watch starts share one timer ({@link FixedDelayTasks}), so an acquire schedules no other
 * thread's work.
 */
final class Contender {
    private static final Logger LOG = LoggerFactory.getLogger(Contender.class);
    /**
     * How long after its create the own-key watch opens (up to a quarter sooner: the attempts share
     * one timer, {@link FixedDelayTasks}). A short hold (the usual acquire, write, release) then
     * costs the create and the delete alone; a deletion of the key by someone else is still seen,
     * since the watch starts at the create's revision, at most this much later.
     */
    static final Duration OWN_KEY_WATCH_DELAY = Duration.ofMillis(100);
    private static final FixedDelayTasks OWN_KEY_WATCH_STARTS = new FixedDelayTasks(OWN_KEY_WATCH_DELAY);

    private final LockHandle handle;
    private final Session session;
    private final Etcd etcd;
    private final String key;
    private final long lease;
    private final Admission admission;
    private final boolean tryOnly;
    private final byte[] value = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    private final SerialExecutor events;
    private final CompletableFuture<Optional<HeldLock>> acquired = new CompletableFuture<>();
    private final CompletableFuture<LossReason> lost = new CompletableFuture<>();
    private final CompletableFuture<Void> keyGone = new CompletableFuture<>();
    private final StepRetry retry;
    private final AtomicBoolean deleting = new AtomicBoolean();

    // Confined to the events queue.
    private Watch ownKeyWatch;
    private Watch blockerWatch;
    private Set<String> blockers = Set.of();
    private int blockerGeneration;
    private HeldLock held;
    private boolean busy;

    // Read from any thread. The token is written once, on the events queue, when the key exists.
    private volatile long token;
    private volatile LossReason lossReason;
    private volatile boolean releasing;
    private volatile boolean lostAsked;

    private Contender(LockHandle handle, LongFunction<String> keyOfLease, Admission admission, boolean tryOnly) {
        this.handle = handle;
        this.session = handle.session();
        this.etcd = session.etcd();
        this.lease = session.lease();
        this.key = keyOfLease.apply(lease);
        this.admission = admission;
        this.tryOnly = tryOnly;
        this.events = new SerialExecutor(etcd.callbackExecutor());
        this.retry = new StepRetry(events, LOG, "lock contender " + key);
    }

    /** Starts an attempt with the key {@code keyOfLease} derives from the session's current lease. */
    static Contender start(LockHandle handle, LongFunction<String> keyOfLease, Admission admission, boolean tryOnly) {
        Contender contender = new Contender(handle, keyOfLease, admission, tryOnly);
        SessionAttempts.join(contender.session, contender);
        // The states before joining: one that ended the lease already ends the attempt.
        contender.onSessionState(contender.session.state(), contender.session.lease());
        // The first create is sent from the caller's thread: it reads only the volatile loss reason,
        // and its answer is handled on the events queue like every other.
        contender.create();
        return contender;
    }

    String key() {
        return key;
    }

    /**
     * Completes with the held lock once admitted; with empty when this was a try and the lock was
     * busy; exceptionally with {@link LockLostException} when the attempt ended first. Completes on
     * whichever thread handled the deciding event, the store client's among them: only the
     * acquiring thread waits for it, and no callback may be registered on it.
     */
    CompletableFuture<Optional<HeldLock>> acquired() {
        return acquired;
    }

    /**
     * Ends this attempt: when it holds, that is releasing. {@link HeldLock#isValid()} turns false at
     * once; {@link #acquired()} fails or {@link HeldLock#lost()} completes next; only then is the key
     * deleted, fenced by its create revision, so the next holder is admitted after this one stopped.
     * Completes once the key is gone or, when the session can no longer reach the store, once the
     * lease has been given up with the session. Idempotent.
     */
    CompletableFuture<Void> release() {
        releasing = true;
        handle.ended(this);
        Runnable release = () -> lose(LossReason.RELEASED, this::deleteKeyOnceCreated);
        if (lostAsked) {
            events.execute(release);
        } else {
            // Nobody has asked for lost(), so completing it runs no callback: the caller's thread
            // can end the attempt and send the delete itself.
            events.executeInPlaceWhenIdle(release);
        }
        return keyGone();
    }

    /**
     * Completes once this attempt's key is gone, or is left to go with the lease: after the attempt
     * ended for any reason and, when released, the fenced delete was answered. A new attempt of the
     * same handle waits for it, since a mutex derives the same key again.
     */
    CompletableFuture<Void> keyGone() {
        return keyGone.thenApply(done -> done);
    }

    @Override
    public String toString() {
        return "Contender[" + key + (token == 0 ? "" : " token=" + token) + (lossReason == null ? "" : " " + lossReason) + "]";
    }

    // ---- the steps, on the events queue unless noted ----

    private void create() {
        if (lossReason == LossReason.RELEASED) {
            // Released while a failed create waited for its retry: that create may have been applied.
            resolveAfterRelease();
            return;
        }
        if (lossReason != null) {
            return;
        }
        Operation contenders = Operations.getAll(KeyRange.prefix(handle.name().contenders()));
        etcd.txn(List.of(Compares.absent(key)), List.of(Operations.put(key, value, lease), contenders),
                        List.of(Operations.get(key), contenders), events::executeInPlaceWhenIdle)
                .whenComplete((result, error) -> events.executeHere(() -> onCreated(result, error)));
    }

    private void onCreated(TxnResult result, Throwable error) {
        if (error != null) {
            onCreateFailed(Etcd.unwrap(error));
            return;
        }
        retry.recovered();
        KeyValue existing = result.succeeded() ? null : result.gets().get(0).get(0);
        if (existing != null && !Arrays.equals(existing.value(), value)) {
            refuse(new IllegalStateException("lock key " + key + " is already held or awaited by another lock object "
                    + "on this session; locks are not reentrant"));
            return;
        }
        token = existing == null ? result.revision() : existing.createRevision();
        if (lossReason == LossReason.RELEASED) {
            deleteKey();
            return;
        }
        if (lossReason != null) {
            return;
        }
        admit(result.gets().get(result.gets().size() - 1), result.revision());
        if (lossReason == null) {
            long from = result.revision() + 1;
            OWN_KEY_WATCH_STARTS.add(() -> {
                if (lossReason == null) {
                    events.execute(() -> watchOwnKey(from));
                }
            });
        }
    }

    /** Starts the own-key watch at {@code fromRevision}, unless the attempt ended first. */
    private void watchOwnKey(long fromRevision) {
        if (lossReason == null && ownKeyWatch == null) {
            ownKeyWatch = etcd.watch(KeyRange.key(key), fromRevision, onEvents(this::onOwnKeyEvents, this::verifyOwnKey));
        }
    }

    private void onCreateFailed(Throwable cause) {
        if (lossReason == LossReason.RELEASED) {
            resolveAfterRelease();
            return;
        }
        if (Etcd.isLeaseGone(cause)) {
            lose(LossReason.SESSION_LOST);
            return;
        }
        if (lossReason != null) {
            return;
        }
        retry.failed("creating lock key " + key, cause);
        retry.retryLater(this::create);
    }

    /** A create with an unknown outcome was followed by a release: read back instead of guessing. */
    private void resolveAfterRelease() {
        etcd.range(KeyRange.key(key)).whenCompleteAsync((read, error) -> {
            if (error != null) {
                retry.failed("reading back lock key " + key, Etcd.unwrap(error));
                if (sessionHoldsLease()) {
                    retry.retryLater(this::resolveAfterRelease);
                } else {
                    keyIsGone();
                }
                return;
            }
            Optional<KeyValue> found = read.first().filter(kv -> Arrays.equals(kv.value(), value));
            if (found.isEmpty()) {
                keyIsGone();
                return;
            }
            token = found.get().createRevision();
            deleteKey();
        }, events);
    }

    private void readContenders() {
        if (lossReason != null) {
            return;
        }
        etcd.range(KeyRange.prefix(handle.name().contenders())).whenCompleteAsync(this::onContenders, events);
    }

    private void onContenders(RangeResult snapshot, Throwable error) {
        if (lossReason != null) {
            return;
        }
        if (error != null) {
            retry.failed("reading the contenders of lock \"" + handle.name() + "\"", Etcd.unwrap(error));
            retry.retryLater(this::readContenders);
            return;
        }
        retry.recovered();
        admit(snapshot.kvs(), snapshot.revision());
    }

    /** Holds, gives up a try, or waits, by the contenders read at {@code revision}. */
    private void admit(List<KeyValue> contenders, long revision) {
        if (!listsOwnKey(contenders)) {
            keyDeleted();
            return;
        }
        List<KeyValue> older = admission.blockers(contenders, token);
        if (admission.holds(older.size())) {
            hold();
            return;
        }
        if (tryOnly) {
            busy = true;
            lose(LossReason.RELEASED, this::deleteKey);
            return;
        }
        blockers = new LinkedHashSet<>(older.stream().map(KeyValue::key).toList());
        KeyRange watched = admission.watchesNearestOnly()
                ? KeyRange.key(older.get(older.size() - 1).key())
                : KeyRange.prefix(handle.name().contenders());
        LOG.debug("{} waits behind {} blocker(s), watching {}", this, older.size(), watched);
        closeBlockerWatch();
        int generation = ++blockerGeneration;
        blockerWatch = etcd.watch(watched, revision + 1,
                onEvents(batch -> onBlockerEvents(generation, batch), () -> rereadContenders(generation)));
    }

    private boolean listsOwnKey(List<KeyValue> contenders) {
        for (KeyValue contender : contenders) {
            if (contender.key().equals(key) && contender.createRevision() == token) {
                return true;
            }
        }
        return false;
    }

    /**
     * Blockers can only go: a key created later is never older than this one. So the blockers of the
     * last read, less the deletions seen, are an upper bound, and admission needs no further read.
     */
    private void onBlockerEvents(int generation, List<WatchEvent> batch) {
        if (generation != blockerGeneration) {
            return;
        }
        boolean removed = false;
        for (WatchEvent event : batch) {
            if (event.type() == WatchEvent.Type.DELETE) {
                removed |= blockers.remove(event.key());
            }
        }
        if (admission.holds(blockers.size())) {
            closeBlockerWatch();
            hold();
        } else if (removed && admission.watchesNearestOnly()) {
            rereadContenders(generation);
        }
    }

    /** The watched blocker is gone (or its watch ended): read again; signals of replaced watches are ignored. */
    private void rereadContenders(int generation) {
        if (generation != blockerGeneration || blockerWatch == null) {
            return;
        }
        closeBlockerWatch();
        readContenders();
    }

    private void hold() {
        if (!sessionHoldsLease()) {
            // The session's LOST notice is on its way; the lock must not be handed out meanwhile.
            lose(LossReason.SESSION_LOST);
            return;
        }
        held = new HeldLock(this, handle.name().name(), key, token, lease);
        LOG.debug("lock \"{}\" held with key {} (token {})", handle.name(), key, token);
        acquired.complete(Optional.of(held));
    }

    private void onOwnKeyEvents(List<WatchEvent> batch) {
        if (batch.stream().anyMatch(event -> event.type() == WatchEvent.Type.DELETE)) {
            keyDeleted();
        }
    }

    /**
     * The key is gone. When the session's deadline has passed too (a process resumed after a pause
     * can see etcd's expiry before its own deadline check runs), the lease is the cause.
     */
    private void keyDeleted() {
        lose(sessionHoldsLease() ? LossReason.KEY_DELETED : LossReason.SESSION_LOST);
    }

    /** After the own-key watch ended (compaction or failure): the key must still be there to go on. */
    private void verifyOwnKey() {
        closeOwnKeyWatch();
        if (lossReason != null) {
            return;
        }
        etcd.range(KeyRange.key(key)).whenCompleteAsync((read, error) -> {
            if (lossReason != null) {
                return;
            }
            if (error != null) {
                retry.failed("re-reading lock key " + key, Etcd.unwrap(error));
                retry.retryLater(this::verifyOwnKey);
                return;
            }
            retry.recovered();
            if (read.first().filter(kv -> kv.createRevision() == token).isEmpty()) {
                keyDeleted();
                return;
            }
            watchOwnKey(read.revision() + 1);
        }, events);
    }

    /** Only a state that ends the attempt is queued; the others, such as the state checked on joining, are not. */
    void onSessionState(SessionState state, long stateLease) {
        LossReason reason = switch (state) {
            case CLOSED -> LossReason.SESSION_CLOSED;
            case LOST -> stateLease == lease ? LossReason.SESSION_LOST : null;
            case CONNECTED, SUSPENDED -> stateLease != lease ? LossReason.SESSION_LOST : null;
        };
        if (reason != null) {
            events.execute(() -> lose(reason));
        }
    }

    private void lose(LossReason reason) {
        lose(reason, null);
    }

    /**
     * Ends the attempt for {@code reason}; the first reason wins and nothing fires twice.
     * {@code afterNotified}, when given, runs once {@link #acquired()} and {@link #lost()} have
     * completed, that is, after every callback registered on them ran. They run here, on the events
     * queue, since every later event of this attempt is ignored anyway; the watches are closed
     * last, after a release's delete is on its way.
     */
    private void lose(LossReason reason, Runnable afterNotified) {
        if (lossReason != null) {
            return;
        }
        lossReason = reason;
        SessionAttempts.leave(session, this);
        handle.ended(this);
        if (reason != LossReason.RELEASED) {
            keyIsGone();
        }
        boolean wasHeld = held != null;
        boolean wasBusy = busy;
        if (wasHeld && reason == LossReason.RELEASED) {
            LOG.debug("lock \"{}\" (key {}, token {}) released", handle.name(), key, token);
        } else if (wasHeld) {
            LOG.warn("lock \"{}\" (key {}, token {}) lost: {}", handle.name(), key, token, reason);
        }
        if (wasBusy) {
            acquired.complete(Optional.empty());
        } else if (!wasHeld) {
            acquired.completeExceptionally(new LockLostException("wait for lock \"" + handle.name() + "\" with key "
                    + key + " ended before the lock was held: " + reason, reason));
        }
        lost.complete(reason);
        if (afterNotified != null) {
            afterNotified.run();
        }
        closeBlockerWatch();
        closeOwnKeyWatch();
    }

    /** Stops an attempt that must not use the key it found; the key is left alone. */
    private void refuse(RuntimeException failure) {
        if (lossReason == null) {
            lossReason = LossReason.RELEASED;
            closeOwnKeyWatch();
            SessionAttempts.leave(session, this);
            handle.ended(this);
            etcd.callbackExecutor().execute(() -> acquired.completeExceptionally(failure));
        }
        keyIsGone();
    }

    /** Runs after a release was told: the key exists only once its create was answered. */
    private void deleteKeyOnceCreated() {
        if (token != 0) {
            deleteKey();
        }
    }

    /** The fenced delete of a released attempt, sent once from whichever thread gets here first. */
    private void deleteKey() {
        if (deleting.compareAndSet(false, true)) {
            sendDelete();
        }
    }

    /**
     * Safe to resend: the compare pins the key's creation, so a repeat deletes nothing else. Success
     * is told from the answer's thread; only a failure goes back to the events queue.
     */
    private void sendDelete() {
        etcd.txn(List.of(Compares.createRevisionIs(key, token)), List.of(Operations.delete(KeyRange.key(key))), List.of())
                .whenComplete((result, error) -> {
                    if (error == null) {
                        keyIsGone();
                    } else {
                        events.execute(() -> onDeleteFailed(Etcd.unwrap(error)));
                    }
                });
    }

    private void onDeleteFailed(Throwable cause) {
        if (!sessionHoldsLease() || Etcd.isLeaseGone(cause)) {
            // The lease goes with the session; the key goes with the lease.
            keyIsGone();
            return;
        }
        retry.failed("deleting lock key " + key, cause);
        retry.retryLater(this::sendDelete);
    }

    private void keyIsGone() {
        keyGone.complete(null);
    }

    private void closeBlockerWatch() {
        if (blockerWatch != null) {
            blockerWatch.close();
            blockerWatch = null;
        }
    }

    private void closeOwnKeyWatch() {
        if (ownKeyWatch != null) {
            ownKeyWatch.close();
            ownKeyWatch = null;
        }
    }

    private boolean sessionHoldsLease() {
        return session.isValid() && session.lease() == lease;
    }

    /** A watch listener onto the events queue; events after the attempt ended are dropped. */
    private WatchListener onEvents(Consumer<List<WatchEvent>> handler, Runnable ended) {
        return retry.onEvents("watching lock \"" + handle.name() + "\"", () -> lossReason == null, handler, ended);
    }

    // ---- what HeldLock reads ----

    boolean isValid() {
        return lossReason == null && !releasing && sessionHoldsLease();
    }

    Optional<LossReason> lossReason() {
        return Optional.ofNullable(lossReason);
    }

    CompletableFuture<LossReason> lost() {
        lostAsked = true;
        return lost;
    }
}
