package dev.baton.server.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The whole state machine: key space and leases, with etcd's request semantics.
 *
 * <p>Write methods run on the single writer thread. Each either fails with an
 * {@link EtcdError} and changes nothing, or applies whole and records its {@link Effect}s,
 * which the caller takes with {@link #takeEffects()} to make them durable. Readers see the
 * state as of the last {@link #publish()}, so a caller that publishes only what is durable
 * never lets a reader see a write that a crash could lose.
 *
 * <p>Until they are published, writes can be taken back: {@link #rollBack()} returns the state to
 * the last {@link #publish()}, as if the writes since had never been made. The writer does so
 * when their log records could not be made durable. A compaction or a lease revocation takes
 * effect for readers only when published, so taking it back needs nothing readers could have
 * seen undone.
 *
 * <p>Alarms are part of the state, as in etcd: while a NOSPACE alarm is raised, writes that add
 * data (puts, txns with puts, lease grants) fail with {@link EtcdError#noSpace()}; reads,
 * deletes, compactions and revocations go on, so space can be freed before the alarm is disarmed.
 */
public final class StoreState {
    private final LeaseTable leases;
    private final MvccStore kv;
    private final LongSupplier leaseIds;
    private final List<Effect> effects = new ArrayList<>();
    /** How to take back each change made since the last publish, newest first. */
    private final Deque<Runnable> undo = new ArrayDeque<>();
    /** Leases revoked since the last publish: their {@link Lease#revoked()} completes when published. */
    private final List<Lease> revokedUnpublished = new ArrayList<>();
    /** The highest compaction made since the last publish, -1 when none: applied when published. */
    private long unpublishedCompaction = -1;
    private volatile long publishedRevision = 1;
    /** The raised alarms, in the order they were raised; replaced whole on each change. */
    private volatile List<AlarmMember> alarms = List.of();
    private volatile AuthData auth = AuthData.INITIAL;

    /**
     * @param nanoClock the monotonic clock lease deadlines are measured on
     * @param leaseIds the source of candidate IDs for leases granted without one
     */
    public StoreState(LongSupplier nanoClock, LongSupplier leaseIds) {
        this.leases = new LeaseTable(nanoClock);
        this.kv = new MvccStore(leases);
        this.leaseIds = leaseIds;
    }

    public MvccStore kv() {
        return kv;
    }

    public LeaseTable leases() {
        return leases;
    }

    /** The revision readers see. */
    public long publishedRevision() {
        return publishedRevision;
    }

    /** Makes everything applied so far visible to readers; none of it can be taken back any more. */
    public void publish() {
        publishedRevision = kv.revision();
        if (unpublishedCompaction >= 0) {
            kv.compact(unpublishedCompaction);
            unpublishedCompaction = -1;
        }
        for (Lease lease : revokedUnpublished) {
            lease.revoked().complete(null);
        }
        revokedUnpublished.clear();
        undo.clear();
    }

    /**
     * Takes back every write applied since the last {@link #publish()} (writer thread): the key
     * space, leases, alarms and auth return to what readers see, and the next write gets the
     * revision the first taken-back one had. A lease whose revocation is taken back is granted
     * its full TTL again, as a restart would.
     */
    public void rollBack() {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
        effects.clear();
        revokedUnpublished.clear();
        unpublishedCompaction = -1;
        kv.advanceTo(publishedRevision);
    }

    /** The effects recorded since the last call, in order. */
    public List<Effect> takeEffects() {
        List<Effect> taken = List.copyOf(effects);
        effects.clear();
        return taken;
    }

    // ---- reads, any thread, at the published revision

    public RangeResponse range(RangeRequest r) {
        KvRequestChecks.checkRange(r);
        return KvOperations.range(kv.view(publishedRevision), r);
    }

    /** A txn that {@link #isReadOnly(TxnRequest) only reads}, served without the writer. */
    public TxnResponse readOnlyTxn(TxnRequest r) {
        KvRequestChecks.checkTxn(r);
        return KvOperations.txn(kv.view(publishedRevision), null, r, leases::contains);
    }

    public static boolean isReadOnly(TxnRequest r) {
        return KvOperations.isReadOnly(r);
    }

    // ---- writes, writer thread

    public PutResponse put(PutRequest r) {
        KvRequestChecks.checkPut(r);
        refuseWhenNoSpace();
        if (r.getLease() != 0 && !leases.contains(r.getLease())) {
            throw EtcdError.leaseNotFound();
        }
        WriteTxn txn = kv.beginWrite();
        PutResponse response = KvOperations.put(txn, txn, r);
        commit(txn);
        return response;
    }

    public DeleteRangeResponse deleteRange(DeleteRangeRequest r) {
        KvRequestChecks.checkDelete(r);
        WriteTxn txn = kv.beginWrite();
        DeleteRangeResponse response = KvOperations.deleteRange(txn, r);
        commit(txn);
        return response;
    }

    public TxnResponse txn(TxnRequest r) {
        KvRequestChecks.checkTxn(r);
        if (QuotaCost.of(r) > 0) {
            refuseWhenNoSpace();
        }
        KvView before = kv.view(kv.revision());
        WriteTxn txn = kv.beginWrite();
        TxnResponse response = KvOperations.txn(before, txn, r, leases::contains);
        commit(txn);
        return response;
    }

    public CompactionResponse compact(CompactionRequest r) {
        long revision = r.getRevision();
        if (revision <= Math.max(kv.compactRevision(), unpublishedCompaction)) {
            throw EtcdError.compacted();
        }
        if (revision > kv.revision()) {
            throw EtcdError.futureRevision();
        }
        unpublishedCompaction = revision;
        effects.add(new Effect.Compacted(revision));
        return CompactionResponse.newBuilder().setHeader(KvOperations.header(kv.revision())).build();
    }

    public LeaseGrantResponse grantLease(LeaseGrantRequest r) {
        refuseWhenNoSpace();
        if (r.getTTL() > LeaseTable.MAX_TTL_SECONDS) {
            throw EtcdError.leaseTtlTooLarge();
        }
        long id = r.getID();
        if (id == 0) {
            do {
                id = leaseIds.getAsLong() & Long.MAX_VALUE;
            } while (id == 0 || leases.contains(id));
        } else if (leases.contains(id)) {
            throw EtcdError.leaseExists();
        }
        long ttl = Math.max(r.getTTL(), LeaseTable.MIN_TTL_SECONDS);
        Lease granted = leases.add(id, ttl);
        undo.push(() -> leases.remove(granted));
        effects.add(new Effect.LeaseGranted(id, ttl));
        return LeaseGrantResponse.newBuilder()
                .setHeader(KvOperations.header(kv.revision()))
                .setID(id)
                .setTTL(ttl)
                .build();
    }

    /** Revokes lease {@code id}, deleting its keys in key order in one revision. */
    public LeaseRevokeResponse revokeLease(long id) {
        Lease lease = leases.get(id);
        if (lease == null) {
            throw EtcdError.leaseNotFound();
        }
        List<ByteString> keys = new ArrayList<>(lease.keys());
        keys.sort(ByteString.unsignedLexicographicalComparator());
        WriteTxn txn = kv.beginWrite();
        for (ByteString key : keys) {
            txn.deleteRange(KeyRange.single(key.toByteArray()));
        }
        commit(txn);
        leases.remove(lease);
        undo.push(() -> leases.reinstate(lease));
        revokedUnpublished.add(lease);
        effects.add(new Effect.LeaseRevoked(id));
        return LeaseRevokeResponse.newBuilder().setHeader(KvOperations.header(kv.revision())).build();
    }

    /** The raised alarms, in the order they were raised (any thread). */
    public List<AlarmMember> alarms() {
        return alarms;
    }

    /**
     * etcd's Alarm call: GET lists the raised alarms of the given type (all for NONE); ACTIVATE
     * raises the member's alarm (NONE raises nothing) and answers with it; DEACTIVATE disarms it
     * and answers with it, or with nothing when it was not raised. Callers refuse activating any
     * type but NONE and NOSPACE, the only alarm this store acts on.
     */
    public AlarmResponse alarm(AlarmRequest r) {
        AlarmMember member = AlarmMember.newBuilder().setMemberID(r.getMemberID()).setAlarmValue(r.getAlarmValue())
                .build();
        AlarmResponse.Builder response = AlarmResponse.newBuilder();
        switch (r.getAction()) {
            case GET -> alarms.stream()
                    .filter(a -> r.getAlarm() == AlarmType.NONE || a.getAlarmValue() == r.getAlarmValue())
                    .forEach(response::addAlarms);
            case ACTIVATE -> {
                if (r.getAlarm() != AlarmType.NONE) {
                    if (!alarms.contains(member)) {
                        recordAlarm(member, true);
                    }
                    response.addAlarms(member);
                }
            }
            case DEACTIVATE -> {
                if (alarms.contains(member)) {
                    recordAlarm(member, false);
                    response.addAlarms(member);
                }
            }
            default -> {
            }
        }
        return response.build();
    }

    private void recordAlarm(AlarmMember member, boolean raised) {
        List<AlarmMember> before = alarms;
        undo.push(() -> alarms = before);
        changeAlarm(member, raised);
        effects.add(new Effect.AlarmChanged(member.getMemberID(), member.getAlarmValue(), raised));
    }

    private void changeAlarm(AlarmMember member, boolean raised) {
        List<AlarmMember> changed = new ArrayList<>(alarms);
        if (raised) {
            changed.add(member);
        } else {
            changed.remove(member);
        }
        alarms = List.copyOf(changed);
    }

    /** Users, roles, permissions and whether auth is enabled, as of the last auth change (any thread). */
    public AuthData auth() {
        return auth;
    }

    /**
     * Applies an auth change made by {@code change} to the current auth state, recording it when
     * it changed anything (writer thread).
     */
    public AuthData changeAuth(UnaryOperator<AuthData> change) {
        AuthData changed = change.apply(auth);
        if (changed != auth) {
            AuthData before = auth;
            undo.push(() -> auth = before);
            auth = changed;
            effects.add(new Effect.AuthChanged(changed));
        }
        return changed;
    }

    private void refuseWhenNoSpace() {
        for (AlarmMember alarm : alarms) {
            if (alarm.getAlarm() == AlarmType.NOSPACE) {
                throw EtcdError.noSpace();
            }
        }
    }

    private void commit(WriteTxn txn) {
        txn.commit();
        for (KeyRevision change : txn.changes()) {
            undo.push(() -> kv.takeBack(change));
            effects.add(new Effect.KeyChanged(change));
        }
    }

    // ---- recovery, before the writer starts

    /** Re-applies an effect recorded by an earlier run. */
    public void replay(Effect effect) {
        if (effect instanceof Effect.KeyChanged changed) {
            kv.append(changed.change());
            kv.advanceTo(Math.max(kv.revision(), changed.change().modRevision()));
        } else if (effect instanceof Effect.LeaseGranted granted) {
            leases.add(granted.id(), granted.ttlSeconds());
        } else if (effect instanceof Effect.LeaseRevoked revoked) {
            Lease lease = leases.get(revoked.id());
            if (lease != null) {
                leases.remove(lease);
                lease.revoked().complete(null);
            }
        } else if (effect instanceof Effect.Compacted compacted) {
            kv.compact(compacted.revision());
        } else if (effect instanceof Effect.AlarmChanged alarm) {
            AlarmMember member = AlarmMember.newBuilder().setMemberID(alarm.memberId()).setAlarmValue(alarm.alarm())
                    .build();
            if (alarm.raised() != alarms.contains(member)) {
                changeAlarm(member, alarm.raised());
            }
        } else if (effect instanceof Effect.AuthChanged changed) {
            auth = changed.auth();
        }
    }

    /** What a snapshot holds, in the order {@link #writeSnapshot} gives it. */
    public interface SnapshotSink {
        void header(long revision, long compactRevision);

        void lease(long id, long ttlSeconds);

        void alarm(long memberId, int alarm);

        void auth(AuthData auth);

        /** A revision below the compaction revision that reads at or after it still need. */
        void compactedRevision(KeyRevision revision);

        /** A retained change, in log order. */
        void change(KeyRevision change);
    }

    /** Writes the whole state to {@code sink} (writer thread). */
    public void writeSnapshot(SnapshotSink sink) {
        sink.header(kv.revision(), kv.compactRevision());
        for (Lease lease : leases.all()) {
            sink.lease(lease.id(), lease.ttlSeconds());
        }
        for (AlarmMember alarm : alarms) {
            sink.alarm(alarm.getMemberID(), alarm.getAlarmValue());
        }
        sink.auth(auth);
        kv.forEachCompactedRevision(sink::compactedRevision);
        kv.forEachChange(kv.compactRevision(), Long.MAX_VALUE, sink::change);
    }

    /**
     * Rebuilds the state from a snapshot's parts, on a fresh instance. Every lease restarts with
     * a full TTL, as etcd's leases do when a new leader takes over.
     */
    public void restore(long revision, long compactRevision, List<long[]> leaseIdsAndTtls,
            List<AlarmMember> raisedAlarms, AuthData restoredAuth, Iterable<KeyRevision> compactedRevisions,
            Iterable<KeyRevision> changes) {
        for (long[] lease : leaseIdsAndTtls) {
            leases.add(lease[0], lease[1]);
        }
        alarms = List.copyOf(raisedAlarms);
        auth = restoredAuth;
        kv.restore(revision, compactRevision, compactedRevisions, changes);
        kv.forEachLive(live -> {
            if (live.lease() != 0) {
                Lease lease = leases.get(live.lease());
                if (lease != null) {
                    lease.attachedKeys().add(UnsafeByteOperations.unsafeWrap(live.key()));
                }
            }
        });
        publish();
    }
}
