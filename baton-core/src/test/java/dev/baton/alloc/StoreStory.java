package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.cache.CacheEvent;
import dev.baton.cache.KeyspaceCache;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import dev.baton.session.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A store-level story of the allocator: keys are put in the store as members and applications
 * would put them (members on leases of their own, items, assignments with statuses), then the
 * allocator runs, and the story reads the keys that come out. Members play their part without
 * threads of their own: every replica the allocator gives a member is reported ready at once,
 * unless the member was told never to be ready. An {@link AssignmentRecorder} watches every
 * revision, and every {@code then} also checks that no invariant was broken on the way.
 */
final class StoreStory implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LEASE_TTL = Duration.ofMinutes(5);
    static final String READY = "ready";

    private final Etcd etcd;
    private final AllocatorKeyspace keys;
    private final Map<String, Member> members = new HashMap<>();
    private final Map<String, Long> leases = new ConcurrentHashMap<>();
    private final Set<String> neverReady = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> open = new ArrayList<>();
    private AssignmentRecorder recorder;
    private Allocator allocator;
    /** The revision of the story's last change: a round planned from it or later has seen everything. */
    private volatile long storyRevision;

    StoreStory(Etcd etcd, String namespace) {
        this.etcd = etcd;
        this.keys = new AllocatorKeyspace(namespace);
    }

    StoreStory item(String id, int replicas) throws Exception {
        storyRevision = etcd.put(keys.item(id), StoredValues.item(new Item(id, replicas)), 0).get();
        return this;
    }

    /** A member on a lease of its own. */
    StoreStory member(String id, String zone, int capacity) throws Exception {
        long lease = etcd.grantLease(LEASE_TTL).get().id();
        leases.put(id, lease);
        return writeMember(new Member(id, zone, capacity));
    }

    /** A member whose replicas never report ready. */
    StoreStory neverReady(String member) {
        neverReady.add(member);
        return this;
    }

    /** An assignment of {@code item} to {@code member} on the member's lease, in the store before the allocator runs. */
    StoreStory assigned(String item, String member, String status) throws Exception {
        storyRevision = etcd.put(keys.assignment(new Assignment(item, member)), status.getBytes(StandardCharsets.UTF_8),
                leases.get(member)).get();
        return this;
    }

    /** Starts the allocator, and the members' reports of readiness. */
    StoreStory allocatorRuns() throws Exception {
        recorder = AssignmentRecorder.start(etcd, keys);
        open.add(recorder);
        open.add(KeyspaceCache.builder(etcd, keys.assignments(), (key, value) -> new String(value, StandardCharsets.UTF_8))
                .listener(this::reportReady)
                .start());
        Session session = Session.builder(etcd).ttl(Duration.ofSeconds(5)).open();
        open.add(session);
        allocator = Allocator.builder(session, keys.namespace()).readiness(ReadinessCheck.statusEquals(READY)).start();
        open.add(allocator);
        return this;
    }

    /** The member joins while the allocator runs. */
    StoreStory joins(String id, String zone, int capacity) throws Exception {
        return member(id, zone, capacity);
    }

    /** The member starts draining: its key says exiting. */
    StoreStory exits(String id) throws Exception {
        Member m = members.get(id);
        return writeMember(new Member(id, m.zone(), m.capacity(), true));
    }

    /** The member changes its zone and capacity without leaving. */
    StoreStory reshapes(String id, String zone, int capacity) throws Exception {
        return writeMember(new Member(id, zone, capacity, members.get(id).exiting()));
    }

    /** Every member of {@code zone} is lost at once: their leases go, and every key on them. */
    StoreStory zoneIsLost(String zone) throws Exception {
        for (Member m : List.copyOf(members.values())) {
            if (m.zone().equals(zone)) {
                members.remove(m.id());
                etcd.revokeLease(leases.remove(m.id())).get();
            }
        }
        storyRevision = etcd.range(KeyRange.key(keys.election())).get().revision();
        return this;
    }

    /** The member becomes ready after all: it reports every replica it holds. */
    StoreStory becomesReady(String member) throws Exception {
        neverReady.remove(member);
        for (KeyValue kv : assignmentKeys()) {
            if (StoreState.memberOf(keys, kv).equals(member) && kv.valueUtf8().isEmpty()) {
                storyRevision = Math.max(storyRevision, report(kv.key(), kv.createRevision(), member).get().revision());
            }
        }
        return this;
    }

    /**
     * Waits until the store holds exactly {@code expected} ("item@member") assignments, every one
     * ready except those of members never ready, and the leader has found nothing left to do.
     */
    StoreStory thenAssignments(String... expected) {
        Set<String> wanted = new TreeSet<>(List.of(expected));
        return then("the store holds " + wanted, assignments -> assignments.equals(wanted));
    }

    /** Waits until the settled assignments ("item@member") satisfy {@code outcome}. */
    StoreStory then(String outcome, Predicate<Set<String>> test) {
        await(outcome).atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> settled() && test.test(assignments()));
        return this;
    }

    /**
     * Waits until the store holds exactly {@code expected} while the leader's last round, planned
     * after everything the story did, waits for readiness and writes nothing.
     */
    StoreStory thenWaitingWith(String... expected) throws Exception {
        Set<String> wanted = new TreeSet<>(List.of(expected));
        await("waiting with " + wanted).atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() ->
                allocator.lastRound().map(r -> r.revision() >= storyRevision && r.waiting() > 0 && r.changes() == 0)
                        .orElse(false) && assignments().equals(wanted));
        recorder.catchUp(WAIT.toMillis());
        assertThat(recorder.violations()).as(recorder.summary()).isEmpty();
        return this;
    }

    /** The assignments in the store now, as "item@member". */
    Set<String> assignments() throws Exception {
        Set<String> out = new TreeSet<>();
        for (KeyValue kv : assignmentKeys()) {
            out.add(keys.parse(kv.key()) instanceof AllocatorKeyspace.KeyKind.AssignmentKey k ? k.assignment().toString() : kv.key());
        }
        return out;
    }

    /** How many assignments {@code member} holds in {@code assignments}. */
    static long heldBy(Set<String> assignments, String member) {
        return assignments.stream().filter(a -> a.endsWith("@" + member)).count();
    }

    private boolean settled() throws Exception {
        recorder.catchUp(WAIT.toMillis());
        assertThat(recorder.violations()).as(recorder.summary()).isEmpty();
        for (KeyValue kv : assignmentKeys()) {
            if (!kv.valueUtf8().equals(READY) && !neverReady.contains(StoreState.memberOf(keys, kv))) {
                return false;
            }
        }
        return allocator.lastRound().map(r -> r.converged() && r.revision() >= storyRevision).orElse(false);
    }

    private List<KeyValue> assignmentKeys() throws Exception {
        return etcd.range(KeyRange.prefix(keys.assignments())).get().kvs();
    }

    private StoreStory writeMember(Member member) throws Exception {
        members.put(member.id(), member);
        storyRevision = etcd.put(keys.member(member.id()), StoredValues.member(member), leases.get(member.id())).get();
        return this;
    }

    private void reportReady(CacheEvent<String> event) {
        if (event.kind() == CacheEvent.Kind.ADDED && event.newValue().isEmpty()
                && keys.parse(event.key()) instanceof AllocatorKeyspace.KeyKind.AssignmentKey k
                && !neverReady.contains(k.assignment().member())) {
            report(event.key(), event.modRevision(), k.assignment().member());
        }
    }

    /** Reports one replica ready, as {@link AllocatorMember#writeStatus} does: guarded by its token, on the member's lease. */
    private CompletableFuture<TxnResult> report(String key, long token, String member) {
        Long lease = leases.get(member);
        if (lease == null) {
            return CompletableFuture.completedFuture(null);
        }
        return etcd.txn(List.of(Compares.createRevisionIs(key, token)),
                List.of(Operations.put(key, READY.getBytes(StandardCharsets.UTF_8), lease)), List.of());
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        for (long lease : leases.values()) {
            etcd.revokeLease(lease).get();
        }
    }
}
