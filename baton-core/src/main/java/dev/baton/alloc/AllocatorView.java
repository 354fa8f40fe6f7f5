package dev.baton.alloc;

import dev.baton.alloc.AllocatorKeyspace.KeyKind;
import dev.baton.alloc.StoredRecord.AssignmentRecord;
import dev.baton.alloc.StoredRecord.ItemRecord;
import dev.baton.alloc.StoredRecord.MemberRecord;
import dev.baton.cache.CacheEntry;
import dev.baton.cache.DecodeError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The allocator's keyspace at one revision, as the solver and the planner need it. Pure.
 *
 * <p>How keys map to the model:
 * <ul>
 *   <li>A member key bound to a lease is a {@link Member}. Its assignments are those of its id
 *       bound to the same lease: they are <b>live</b>, the solver keeps them where it can, and
 *       their readiness comes from the application's {@link ReadinessCheck}.
 *   <li>An assignment whose member key is gone, or whose lease is not its member key's (left
 *       over from a lost session whose lease etcd has not expired yet), is an <b>orphan</b>: its
 *       member no longer serves it, so it never counts as ready, the solver does not keep it and
 *       the planner removes it as soon as that is safe.
 *   <li>A key whose value cannot be decoded is <b>frozen</b>, never guessed at: an item's
 *       assignments stay as they are and still use their members' capacity; a member (also one
 *       whose key has no lease) gets nothing and its assignments stay as they are. Either is
 *       reported in {@link #problems()}.
 * </ul>
 */
final class AllocatorView {

    private final long revision;
    private final List<Item> items = new ArrayList<>();
    private final List<Member> members = new ArrayList<>();
    private final List<Assignment> live = new ArrayList<>();
    private final List<AssignmentState> current = new ArrayList<>();
    private final Map<String, CacheEntry<StoredRecord>> itemEntries = new HashMap<>();
    private final Map<String, CacheEntry<StoredRecord>> memberEntries = new HashMap<>();
    private final Map<Assignment, CacheEntry<StoredRecord>> assignmentEntries = new HashMap<>();
    private final Map<String, List<AssignmentState>> currentByItem = new HashMap<>();
    private final SortedSet<String> problems = new TreeSet<>();

    private AllocatorView(long revision) {
        this.revision = revision;
    }

    /**
     * @param revision  the revision the entries are exact at
     * @param entries   every decoded key under the keyspace's root
     * @param errors    the keys under the root whose value failed to decode
     * @param readiness the application's readiness check for live assignments
     */
    static AllocatorView of(long revision, Iterable<CacheEntry<StoredRecord>> entries, Map<String, DecodeError> errors,
                            AllocatorKeyspace keyspace, ReadinessCheck readiness) {
        AllocatorView view = new AllocatorView(revision);
        Set<String> frozenItems = new HashSet<>();
        Set<String> frozenMembers = new HashSet<>();
        errors.forEach((key, error) -> {
            KeyKind kind = keyspace.parse(key);
            if (kind instanceof KeyKind.ItemKey k) {
                frozenItems.add(k.id());
                view.problems.add("item '" + k.id() + "' is frozen: " + error.message());
            } else if (kind instanceof KeyKind.MemberKey k) {
                frozenMembers.add(k.id());
                view.problems.add("member '" + k.id() + "' is frozen: " + error.message());
            } else {
                view.problems.add("ignored: " + error.message());
            }
        });

        Map<String, Member> memberById = new HashMap<>();
        List<CacheEntry<StoredRecord>> assignments = new ArrayList<>();
        for (CacheEntry<StoredRecord> entry : entries) {
            StoredRecord record = entry.value();
            if (record instanceof ItemRecord r) {
                view.items.add(r.item());
                view.itemEntries.put(r.item().id(), entry);
            } else if (record instanceof MemberRecord r) {
                if (entry.lease() == 0) {
                    frozenMembers.add(r.member().id());
                    view.problems.add("member '" + r.member().id() + "' is frozen: its key " + entry.key()
                            + " is bound to no lease, so assignments to it could outlive it");
                } else {
                    memberById.put(r.member().id(), r.member());
                    view.memberEntries.put(r.member().id(), entry);
                }
            } else if (record instanceof AssignmentRecord r) {
                view.assignmentEntries.put(r.assignment(), entry);
                assignments.add(entry);
            }
        }

        Map<String, Integer> frozenHeld = new HashMap<>();
        for (CacheEntry<StoredRecord> entry : assignments) {
            AssignmentRecord record = (AssignmentRecord) entry.value();
            Assignment a = record.assignment();
            if (frozenMembers.contains(a.member())) {
                continue;
            }
            CacheEntry<StoredRecord> memberEntry = view.memberEntries.get(a.member());
            boolean isLive = memberEntry != null && memberEntry.lease() == entry.lease();
            if (frozenItems.contains(a.item())) {
                if (isLive) {
                    frozenHeld.merge(a.member(), 1, Integer::sum);
                }
                continue;
            }
            boolean ready = isLive && view.ready(readiness, a, record.status());
            if (isLive) {
                view.live.add(a);
            }
            AssignmentState state = new AssignmentState(a, entry.createRevision(), ready, false);
            view.current.add(state);
            view.currentByItem.computeIfAbsent(a.item(), k -> new ArrayList<>()).add(state);
        }

        memberById.values().forEach(m -> {
            int held = frozenHeld.getOrDefault(m.id(), 0);
            view.members.add(held == 0 ? m : new Member(m.id(), m.zone(), Math.max(0, m.capacity() - held), m.exiting()));
        });
        return view;
    }

    private boolean ready(ReadinessCheck readiness, Assignment a, String status) {
        try {
            return readiness.isReady(a.item(), status);
        } catch (RuntimeException e) {
            problems.add("the readiness check failed for " + a + ", counted as not ready: " + e);
            return false;
        }
    }

    long revision() {
        return revision;
    }

    /** Every decodable item. */
    List<Item> items() {
        return items;
    }

    /** Every member with a lease, its capacity lowered by what it holds of frozen items. */
    List<Member> members() {
        return members;
    }

    /** Live assignments: what the solver may keep. */
    List<Assignment> live() {
        return live;
    }

    /** Live and orphan assignments with readiness: what the planner starts from. */
    List<AssignmentState> current() {
        return current;
    }

    /** The planner's current assignments of {@code item}. */
    Collection<AssignmentState> currentOf(String item) {
        return currentByItem.getOrDefault(item, List.of());
    }

    Optional<CacheEntry<StoredRecord>> item(String id) {
        return Optional.ofNullable(itemEntries.get(id));
    }

    Optional<CacheEntry<StoredRecord>> member(String id) {
        return Optional.ofNullable(memberEntries.get(id));
    }

    /** The key of {@code assignment}, when it exists (live, orphan or frozen). */
    Optional<CacheEntry<StoredRecord>> assignment(Assignment assignment) {
        return Optional.ofNullable(assignmentEntries.get(assignment));
    }

    /** Frozen keys and failed readiness checks, one line each, sorted. */
    SortedSet<String> problems() {
        return problems;
    }
}
