package dev.baton.alloc;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches the allocator's keyspace from a start revision and checks, at every revision, the
 * invariants the allocator promises:
 * <ul>
 *   <li><b>capacity</b>: no member is given an assignment that takes it above the capacity in
 *       its member key (a member that lowers its capacity holds the excess until the leader has
 *       handed it off);
 *   <li><b>safe handoff</b>: in a revision made by the leader, no item present with replicas r
 *       and ready count k before ends with fewer than min(r, k) ready replicas;
 *   <li><b>ready promotion</b>: in such a revision, an item whose ready primary went is led by
 *       a ready replica afterwards.
 * </ul>
 * Revisions that delete a member key are exempt from the last two: that is a lease expiring
 * or revoked (a crash, a session closed) or a member leaving, which takes its assignments with
 * it in the same revision, and no leader write ever deletes a member key. The layout itself
 * rules out two assignments of one item on one member: both would be the same key
 * {@code assign/<item>/<member>}.
 */
final class AssignmentRecorder implements WatchListener, AutoCloseable {

    private final AllocatorKeyspace keys;
    private final Etcd etcd;
    private final String mark;
    private final Map<String, KeyValue> state = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Watch watch;
    private long revision;
    private int checkedRevisions;
    private int exemptRevisions;
    private int plannedRemovals;
    private int promotions;

    private AssignmentRecorder(AllocatorKeyspace keys, Etcd etcd, long fromRevision, List<KeyValue> initial) {
        this.keys = keys;
        this.etcd = etcd;
        this.mark = keys.namespace() + "recorder-mark";
        initial.forEach(kv -> state.put(kv.key(), kv));
        this.revision = fromRevision - 1;
        // The whole namespace, so the mark written outside the allocator's keys comes through this watch.
        this.watch = etcd.watch(KeyRange.prefix(keys.namespace()), fromRevision, this);
    }

    /** Starts recording from the store's current state. */
    static AssignmentRecorder start(Etcd etcd, AllocatorKeyspace keys) throws Exception {
        var read = etcd.range(KeyRange.prefix(keys.root())).get();
        return new AssignmentRecorder(keys, etcd, read.revision() + 1, read.kvs());
    }

    @Override
    public synchronized void onEvents(List<WatchEvent> events) {
        List<WatchEvent> group = new ArrayList<>();
        for (WatchEvent event : events) {
            if (!group.isEmpty() && group.get(0).modRevision() != event.modRevision()) {
                apply(group);
                group = new ArrayList<>();
            }
            if (event.key().startsWith(keys.root())) {
                group.add(event);
            } else {
                revision = Math.max(revision, event.modRevision());
            }
        }
        if (!group.isEmpty()) {
            apply(group);
        }
        notifyAll();
    }

    @Override
    public synchronized void onCompacted(long compactRevision) {
        violations.add("history compacted at " + compactRevision + "; the recording is incomplete");
    }

    @Override
    public synchronized void onFailed(Throwable cause) {
        violations.add("the watch failed: " + cause);
    }

    private void apply(List<WatchEvent> group) {
        long rev = group.get(0).modRevision();
        StoreState before = StoreState.of(keys, state.values());
        boolean exempt = false;
        Set<String> touchedItems = new HashSet<>();
        int removals = 0;
        for (WatchEvent event : group) {
            var kind = keys.parse(event.key());
            if (event.type() == WatchEvent.Type.PUT) {
                state.put(event.key(), event.kv());
            } else {
                state.remove(event.key());
                if (kind instanceof AllocatorKeyspace.KeyKind.MemberKey) {
                    exempt = true;
                }
                if (kind instanceof AllocatorKeyspace.KeyKind.AssignmentKey) {
                    removals++;
                }
            }
            if (kind instanceof AllocatorKeyspace.KeyKind.AssignmentKey k) {
                touchedItems.add(k.assignment().item());
            }
        }
        StoreState after = StoreState.of(keys, state.values());
        checkCapacity(rev, before, after);
        if (exempt) {
            exemptRevisions++;
        } else {
            plannedRemovals += removals;
            for (String item : touchedItems) {
                checkHandoff(rev, item, before, after);
            }
        }
        checkedRevisions++;
        revision = Math.max(revision, rev);
    }

    private void checkCapacity(long rev, StoreState before, StoreState after) {
        after.heldByMember.forEach((member, held) -> {
            Member m = after.members.get(member);
            if (m != null && held > m.capacity() && held > before.heldByMember.getOrDefault(member, 0)) {
                violations.add("revision " + rev + ": member '" + member + "' holds " + held + " > capacity " + m.capacity());
            }
        });
    }

    private void checkHandoff(long rev, String item, StoreState before, StoreState after) {
        Item spec = after.items.get(item);
        if (spec == null || spec.replicas() == 0) {
            return;
        }
        int readyBefore = before.readyCount(keys, item);
        int readyAfter = after.readyCount(keys, item);
        if (readyAfter < Math.min(spec.replicas(), readyBefore)) {
            violations.add("revision " + rev + ": item '" + item + "' went from " + readyBefore + " to " + readyAfter
                    + " ready replicas of " + spec.replicas() + " in a planned change");
        }
        KeyValue oldPrimary = before.primary(item);
        KeyValue newPrimary = after.primary(item);
        if (oldPrimary != null && !state.containsKey(oldPrimary.key()) && before.isReady(keys, oldPrimary)) {
            promotions++;
            if (newPrimary == null || !after.isReady(keys, newPrimary)) {
                violations.add("revision " + rev + ": item '" + item + "' lost its ready primary "
                        + StoreState.memberOf(keys, oldPrimary) + " to " + (newPrimary == null ? "nobody"
                        : StoreState.memberOf(keys, newPrimary) + ", which is not ready"));
            }
        }
    }

    /**
     * Writes a mark next to the allocator's keys and waits until the recording has reached it, so
     * every revision the store has made so far is checked.
     */
    void catchUp(long timeoutMillis) throws Exception {
        awaitRevision(etcd.put(mark, new byte[0], 0).get(), timeoutMillis);
    }

    private synchronized void awaitRevision(long target, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (revision < target && System.currentTimeMillis() < deadline) {
            wait(Math.max(1, deadline - System.currentTimeMillis()));
        }
        if (revision < target) {
            throw new IllegalStateException("recorder at revision " + revision + ", not " + target);
        }
    }

    synchronized StoreState current() {
        return StoreState.of(keys, state.values());
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized String summary() {
        return checkedRevisions + " revisions checked (" + exemptRevisions + " with a member key deleted), "
                + plannedRemovals + " planned removals, " + promotions + " ready primaries replaced";
    }

    synchronized int plannedRemovals() {
        return plannedRemovals;
    }

    @Override
    public void close() {
        watch.close();
    }
}
