package dev.baton.election;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operations;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.SerialExecutor;
import dev.baton.etcd.StepRetry;
import dev.baton.etcd.TxnResult;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import dev.baton.session.Session;
import dev.baton.session.SessionListener;
import dev.baton.session.SessionState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One campaign of a member in an {@link Election}: the candidate key {@code <prefix>/<lease-hex>}
 * on the session's lease, followed from its creation until it is withdrawn, resigned, deleted, or
 * its lease is lost. {@link #elected()} completes when the key becomes the oldest of the election;
 * from then on the same key is the {@link Leadership}.
 *
 * <p>Each step is one request whose compare says what it protects: the key is created with
 * {@code if createRevision(key) == 0 then put else get}; the candidate then reads the election and
 * leads if the read shows its own key (with its own create revision) and nothing older. Otherwise
 * it watches for the deletion of the candidate created just before it: when that was the last
 * older one in the read, the deletion makes it the leader at once (nothing older can be created
 * later); when older ones remained, it reads again. Every event (store answers, watch events,
 * session states, withdrawal) is handled on one serial queue, so the state below is only touched
 * by one thread at a time.
 */
public final class Candidacy {
    private static final Logger LOG = LoggerFactory.getLogger(Candidacy.class);

    private final Election election;
    private final Session session;
    private final Etcd etcd;
    private final String key;
    private final long lease;
    private final byte[] value;
    private final SerialExecutor events;
    private final SessionListener sessionListener = this::onSessionState;
    private final CompletableFuture<Leadership> elected = new CompletableFuture<>();
    private final CompletableFuture<LossReason> lost = new CompletableFuture<>();
    private final StepRetry retry;
    private final AtomicBoolean deleting = new AtomicBoolean();

    // Confined to the events queue.
    private Watch ownKeyWatch;
    private Watch predecessorWatch;
    private Leadership leadership;
    private boolean keyRemoved;
    private int predecessorGeneration;
    private final List<CompletableFuture<Void>> removals = new ArrayList<>();

    // Read from any thread. The token is written once, on the events queue, when the key exists.
    private volatile long token;
    private volatile LossReason lossReason;
    private volatile boolean withdrawing;

    private Candidacy(Election election, byte[] value) {
        this.election = election;
        this.session = election.session();
        this.etcd = session.etcd();
        this.lease = session.lease();
        this.key = election.keys().candidateKey(lease);
        this.value = value;
        this.events = new SerialExecutor(etcd.callbackExecutor());
        this.retry = new StepRetry(events, LOG, "candidacy " + key);
    }

    static Candidacy start(Election election, byte[] value) {
        Candidacy candidacy = new Candidacy(election, value);
        candidacy.session.addListener(candidacy.sessionListener);
        candidacy.events.execute(candidacy::create);
        return candidacy;
    }

    /** The candidate key, {@code <prefix>/<lease-hex>}. */
    public String key() {
        return key;
    }

    /** The session lease the candidate key is bound to. */
    public long lease() {
        return lease;
    }

    /** The election this candidacy runs in. */
    public Election election() {
        return election;
    }

    /**
     * Completes with the {@link Leadership} once this member leads. Completes exceptionally with
     * {@link CandidacyLostException} when the campaign ends first: the session was lost or closed,
     * the candidate key was deleted, or the candidacy was {@link #withdraw() withdrawn}. Completes
     * on the connection's callback executor, never on the thread of the event that decided it.
     */
    public CompletableFuture<Leadership> elected() {
        return elected;
    }

    /**
     * Ends this candidacy: if it leads, that is resigning. {@link Leadership#isValid()} turns false
     * at once; {@link #elected()} fails or {@link Leadership#lost()} completes next; only then is the
     * candidate key deleted, with a delete fenced by its create revision. The returned future
     * completes once the key is gone or, when the session can no longer reach the store, once the
     * lease has been given up with the session. Idempotent.
     */
    public CompletableFuture<Void> withdraw() {
        withdrawing = true;
        CompletableFuture<Void> removed = new CompletableFuture<>();
        events.execute(() -> {
            if (lossReason == null) {
                removals.add(removed);
                // The key is deleted only once the loss has been told, so whatever listens to
                // lost() (a LeaderService stopping its work) acts before anyone else can be elected.
                lose(LossReason.RESIGNED, () -> {
                    if (token != 0) {
                        deleteKey();
                    }
                });
                return;
            }
            if (lossReason != LossReason.RESIGNED || keyRemoved) {
                etcd.callbackExecutor().execute(() -> removed.complete(null));
                return;
            }
            removals.add(removed);
        });
        return removed;
    }

    @Override
    public String toString() {
        return "Candidacy[" + key + (token == 0 ? "" : " token=" + token) + (lossReason == null ? "" : " " + lossReason) + "]";
    }

    // ---- the steps, on the events queue unless noted ----

    private void create() {
        if (lossReason == LossReason.RESIGNED) {
            // Withdrawn while a failed create waited for its retry: that create may have been applied.
            resolveAfterWithdrawal();
            return;
        }
        if (lossReason != null) {
            return;
        }
        etcd.txn(List.of(Compares.absent(key)), List.of(Operations.put(key, value, lease)), List.of(Operations.get(key)))
                .whenCompleteAsync(this::onCreated, events);
    }

    private void onCreated(TxnResult result, Throwable error) {
        if (error != null) {
            onCreateFailed(Etcd.unwrap(error));
            return;
        }
        retry.recovered();
        KeyValue existing = result.succeeded() ? null : result.gets().get(0).get(0);
        if (existing != null && !Arrays.equals(existing.value(), value)) {
            // Another Election object on this session and prefix owns the key; sharing it would let
            // one withdraw the other's candidacy, so this campaign stops without touching the key.
            refuse(new IllegalStateException("candidate key " + key + " already exists with another value: this "
                    + "session already campaigns in election \"" + election.prefix() + "\""));
            return;
        }
        token = existing == null ? result.revision() : existing.createRevision();
        if (lossReason == LossReason.RESIGNED) {
            deleteKey();
            return;
        }
        if (lossReason != null) {
            return;
        }
        ownKeyWatch = etcd.watch(KeyRange.key(key), result.revision() + 1, onEvents(this::onOwnKeyEvents, this::verifyOwnKey));
        LOG.debug("{} created; waiting for older candidates", this);
        readCandidates();
    }

    private void onCreateFailed(Throwable cause) {
        if (lossReason == LossReason.RESIGNED) {
            // The create may or may not have been applied: read back instead of guessing.
            resolveAfterWithdrawal();
            return;
        }
        if (Etcd.isLeaseGone(cause)) {
            lose(LossReason.SESSION_LOST);
            return;
        }
        if (lossReason != null) {
            return;
        }
        // The compare makes the create safe to send again: if the first one was applied, the
        // retry takes the else branch and returns the key it created.
        retry.failed("creating candidate key " + key, cause);
        retry.retryLater(this::create);
    }

    private void resolveAfterWithdrawal() {
        etcd.range(KeyRange.key(key)).whenCompleteAsync((read, error) -> {
            if (error != null) {
                retry.failed("reading back candidate key " + key, Etcd.unwrap(error));
                if (session.isValid() && session.lease() == lease) {
                    retry.retryLater(this::resolveAfterWithdrawal);
                } else {
                    completeRemovals();
                }
                return;
            }
            Optional<KeyValue> found = read.first().filter(kv -> kv.lease() == lease);
            if (found.isEmpty()) {
                completeRemovals();
                return;
            }
            token = found.get().createRevision();
            deleteKey();
        }, events);
    }

    private void readCandidates() {
        if (lossReason != null) {
            return;
        }
        etcd.range(KeyRange.prefix(election.keys().candidates())).whenCompleteAsync(this::onCandidates, events);
    }

    private void onCandidates(RangeResult snapshot, Throwable error) {
        if (lossReason != null) {
            return;
        }
        if (error != null) {
            retry.failed("reading the candidates of election \"" + election.prefix() + "\"", Etcd.unwrap(error));
            retry.retryLater(this::readCandidates);
            return;
        }
        retry.recovered();
        boolean present = snapshot.kvs().stream().anyMatch(kv -> kv.key().equals(key) && kv.createRevision() == token);
        if (!present) {
            keyDeleted();
            return;
        }
        Optional<KeyValue> predecessor = CandidateOrder.predecessor(snapshot.kvs(), token);
        if (predecessor.isEmpty()) {
            lead(snapshot.revision());
            return;
        }
        String waitFor = predecessor.get().key();
        // No candidate can be created older than this snapshot shows, so when the predecessor was
        // the only older one, its deletion alone makes this candidate the oldest: it leads at that
        // revision without another read.
        boolean lastOlder = CandidateOrder.predecessor(snapshot.kvs(), predecessor.get().createRevision()).isEmpty();
        LOG.debug("{} waits for {} (created at {}, last older: {})", this, waitFor, predecessor.get().createRevision(), lastOlder);
        closePredecessorWatch();
        int generation = ++predecessorGeneration;
        predecessorWatch = etcd.watch(KeyRange.key(waitFor), snapshot.revision() + 1,
                onEvents(batch -> onPredecessorEvents(generation, lastOlder, batch), () -> rereadCandidates(generation)));
    }

    private void onPredecessorEvents(int generation, boolean lastOlder, List<WatchEvent> batch) {
        Optional<WatchEvent> deleted = batch.stream().filter(event -> event.type() == WatchEvent.Type.DELETE).findFirst();
        if (deleted.isEmpty() || generation != predecessorGeneration) {
            return;
        }
        if (lastOlder) {
            closePredecessorWatch();
            lead(deleted.get().modRevision());
        } else {
            rereadCandidates(generation);
        }
    }

    /** The predecessor is gone (or its watch ended): read again; signals of replaced watches are ignored. */
    private void rereadCandidates(int generation) {
        if (generation != predecessorGeneration || predecessorWatch == null) {
            return;
        }
        closePredecessorWatch();
        readCandidates();
    }

    private void lead(long atRevision) {
        if (!session.isValid() || session.lease() != lease) {
            // The session's LOST notice is on its way; the candidacy must not be handed out meanwhile.
            lose(LossReason.SESSION_LOST);
            return;
        }
        leadership = new Leadership(this, key, token, lease);
        LOG.info("elected leader of \"{}\" with key {} (token {}, at revision {})", election.prefix(), key, token, atRevision);
        Leadership won = leadership;
        etcd.callbackExecutor().execute(() -> elected.complete(won));
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
        lose(session.isValid() && session.lease() == lease ? LossReason.KEY_DELETED : LossReason.SESSION_LOST);
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
                retry.failed("re-reading candidate key " + key, Etcd.unwrap(error));
                retry.retryLater(this::verifyOwnKey);
                return;
            }
            retry.recovered();
            if (read.first().filter(kv -> kv.createRevision() == token).isEmpty()) {
                keyDeleted();
                return;
            }
            ownKeyWatch = etcd.watch(KeyRange.key(key), read.revision() + 1, onEvents(this::onOwnKeyEvents, this::verifyOwnKey));
        }, events);
    }

    private void onSessionState(SessionState state, long stateLease) {
        events.execute(() -> {
            if (lossReason != null) {
                return;
            }
            switch (state) {
                case CLOSED -> lose(LossReason.SESSION_CLOSED);
                case LOST -> {
                    if (stateLease == lease) {
                        lose(LossReason.SESSION_LOST);
                    }
                }
                case CONNECTED, SUSPENDED -> {
                    if (stateLease != lease) {
                        lose(LossReason.SESSION_LOST);
                    }
                }
            }
        });
    }

    /** Ends the candidacy for {@code reason}; the first reason wins and nothing fires twice. */
    private void lose(LossReason reason) {
        lose(reason, null);
    }

    /**
     * Ends the candidacy for {@code reason}; the first reason wins and nothing fires twice.
     * {@code afterNotified}, when given, runs once {@link #lost()} (and a failed {@link #elected()})
     * have completed, that is, after every callback registered on them ran; it runs on the thread
     * that completed them, not on the events queue, so it must be thread-safe.
     */
    private void lose(LossReason reason, Runnable afterNotified) {
        if (lossReason != null) {
            return;
        }
        lossReason = reason;
        closePredecessorWatch();
        closeOwnKeyWatch();
        session.removeListener(sessionListener);
        election.ended(this);
        CandidacyLostException failure;
        if (leadership == null) {
            LOG.info("candidacy {} in \"{}\" ended before election: {}", key, election.prefix(), reason);
            failure = new CandidacyLostException("candidacy " + key + " in election \"" + election.prefix()
                    + "\" ended before it was elected: " + reason, reason);
        } else {
            LOG.info("leadership of \"{}\" (key {}, token {}) lost: {}", election.prefix(), key, token, reason);
            failure = null;
        }
        etcd.callbackExecutor().execute(() -> {
            if (failure != null) {
                elected.completeExceptionally(failure);
            }
            lost.complete(reason);
            if (afterNotified != null) {
                afterNotified.run();
            }
        });
    }

    /** Stops a campaign that must not use the key it found; the key is left alone. */
    private void refuse(RuntimeException failure) {
        if (lossReason == null) {
            lossReason = LossReason.RESIGNED;
            closeOwnKeyWatch();
            session.removeListener(sessionListener);
            election.ended(this);
            LOG.warn("campaign in \"{}\" refused: {}", election.prefix(), failure.getMessage());
            etcd.callbackExecutor().execute(() -> elected.completeExceptionally(failure));
        }
        completeRemovals();
    }

    /** The fenced delete of a withdrawn candidacy, sent once from whichever thread gets here first. */
    private void deleteKey() {
        if (deleting.compareAndSet(false, true)) {
            sendDelete();
        }
    }

    /** Safe to resend: the compare pins the key's creation, so a repeat deletes nothing else. */
    private void sendDelete() {
        etcd.txn(List.of(Compares.createRevisionIs(key, token)), List.of(Operations.delete(KeyRange.key(key))), List.of())
                .whenCompleteAsync((result, error) -> {
                    if (error == null) {
                        LOG.debug("{} removed (deleted: {})", this, result.succeeded());
                        completeRemovals();
                        return;
                    }
                    Throwable cause = Etcd.unwrap(error);
                    if (!session.isValid() || session.lease() != lease || Etcd.isLeaseGone(cause)) {
                        // The lease goes with the session; the key goes with the lease.
                        completeRemovals();
                        return;
                    }
                    retry.failed("deleting candidate key " + key, cause);
                    retry.retryLater(this::sendDelete);
                }, events);
    }

    private void completeRemovals() {
        keyRemoved = true;
        List<CompletableFuture<Void>> done = List.copyOf(removals);
        removals.clear();
        etcd.callbackExecutor().execute(() -> done.forEach(removal -> removal.complete(null)));
    }

    private void closePredecessorWatch() {
        if (predecessorWatch != null) {
            predecessorWatch.close();
            predecessorWatch = null;
        }
    }

    private void closeOwnKeyWatch() {
        if (ownKeyWatch != null) {
            ownKeyWatch.close();
            ownKeyWatch = null;
        }
    }

    /** A watch listener onto the events queue; events after the candidacy ended are dropped. */
    private WatchListener onEvents(Consumer<List<WatchEvent>> handler, Runnable ended) {
        return retry.onEvents("watching election \"" + election.prefix() + "\"", () -> lossReason == null, handler, ended);
    }

    // ---- what Leadership reads ----

    boolean isValid() {
        return lossReason == null && !withdrawing && session.isValid() && session.lease() == lease;
    }

    Optional<LossReason> lossReason() {
        return Optional.ofNullable(lossReason);
    }

    CompletableFuture<LossReason> lost() {
        return lost;
    }

    Session session() {
        return session;
    }
}
