package dev.baton.server.store;

import static dev.baton.server.store.Requests.delete;
import static dev.baton.server.store.Requests.get;
import static dev.baton.server.store.Requests.op;
import static dev.baton.server.store.Requests.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.TxnRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes the writer could not make durable are taken back: the store returns to what readers
 * saw at the last publish, as if the writes had never been made, and the next write gets the
 * revision the first taken-back one had.
 */
class StoreStateRollBackTest {
    private static final long OLD_LEASE = 11;
    private static final long NEW_LEASE = 12;

    private StoreState store;

    /** Given a published store with history, a compaction, a lease with two keys and an alarm-free state. */
    @BeforeEach
    void publishedStore() {
        store = new StoreState(System::nanoTime, () -> 7);
        store.grantLease(LeaseGrantRequest.newBuilder().setID(OLD_LEASE).setTTL(60).build());
        store.put(put("a", "1"));
        store.put(put("a", "2"));
        store.put(put("b", "1", OLD_LEASE));
        store.put(put("c", "1", OLD_LEASE));
        store.put(put("d", "1"));
        store.publish();
        store.compact(CompactionRequest.newBuilder().setRevision(3).build());
        store.publish();
        store.takeEffects();
    }

    @Test
    void everyKindOfWriteIsTakenBackToThePublishedState() {
        List<String> before = describe();

        unpublishedWrites();
        store.rollBack();

        assertThat(describe()).isEqualTo(before);
        assertThat(store.leases().get(OLD_LEASE).revoked()).as("the old lease's revocation").isNotDone();
        assertThat(store.leases().renew(OLD_LEASE)).as("the old lease, renewed").isNotNull();
        assertThat(store.takeEffects()).isEmpty();
    }

    @Test
    void theSameWritesAfterARollBackGetTheSameRevisionsAndEffects() {
        unpublishedWrites();
        String first = store.takeEffects().toString();
        store.rollBack();

        unpublishedWrites();
        assertThat(store.takeEffects()).hasToString(first);
        store.publish();
        assertThat(store.range(get("e")).getKvs(0).getModRevision()).isEqualTo(7);
    }

    @Test
    void aRevocationAndACompactionTakeEffectForReadersWhenPublished() {
        var oldLease = store.leases().get(OLD_LEASE);
        store.revokeLease(OLD_LEASE);
        store.compact(CompactionRequest.newBuilder().setRevision(5).build());
        assertThat(oldLease.revoked()).isNotDone();
        assertThat(store.kv().compactRevision()).isEqualTo(3);

        store.publish();

        assertThat(oldLease.revoked()).isDone();
        assertThat(store.kv().compactRevision()).isEqualTo(5);
    }

    /** Puts, overwrites, deletes, a txn, a grant and a put on it, a revocation, a compaction, an alarm, an auth change. */
    private void unpublishedWrites() {
        store.put(put("e", "1"));
        store.put(put("a", "3"));
        store.deleteRange(delete("d"));
        store.txn(TxnRequest.newBuilder().addSuccess(op(put("f", "1"))).addSuccess(op(delete("a"))).build());
        store.grantLease(LeaseGrantRequest.newBuilder().setID(NEW_LEASE).setTTL(60).build());
        store.put(put("g", "1", NEW_LEASE));
        store.put(put("b", "2", NEW_LEASE));
        store.revokeLease(OLD_LEASE);
        store.compact(CompactionRequest.newBuilder().setRevision(6).build());
        store.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(1)
                .setAlarm(AlarmType.NOSPACE).build());
        store.changeAuth(auth -> auth.addUser("u", "hash"));
    }

    /** Everything a snapshot holds, and each lease's attached keys. */
    private List<String> describe() {
        List<String> lines = new ArrayList<>();
        store.writeSnapshot(new StoreState.SnapshotSink() {
            @Override
            public void header(long revision, long compactRevision) {
                lines.add("revision " + revision + " compacted " + compactRevision);
            }

            @Override
            public void lease(long id, long ttlSeconds) {
                lines.add("lease " + id + " ttl " + ttlSeconds + " keys "
                        + new TreeSet<>(store.leases().get(id).keys().stream().map(k -> k.toStringUtf8()).toList()));
            }

            @Override
            public void alarm(long memberId, int alarm) {
                lines.add("alarm " + memberId + " " + alarm);
            }

            @Override
            public void auth(AuthData auth) {
                lines.add("auth " + auth);
            }

            @Override
            public void compactedRevision(KeyRevision revision) {
                lines.add("compacted " + revision);
            }

            @Override
            public void change(KeyRevision change) {
                lines.add("change " + change);
            }
        });
        lines.add("published " + store.publishedRevision());
        return lines;
    }
}
