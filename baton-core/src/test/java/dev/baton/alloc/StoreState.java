package dev.baton.alloc;

import dev.baton.alloc.AllocatorKeyspace.KeyKind;
import dev.baton.alloc.solver.AllocationSolver;
import dev.baton.etcd.KeyValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The allocator's keys at one revision, read the way a test judges them: an assignment is
 * <b>ready</b> when its member key exists on the same lease and its status is {@code "ready"};
 * an item's <b>primary</b> is its oldest assignment.
 */
final class StoreState {

    static final String READY = "ready";

    final Map<String, Item> items = new TreeMap<>();
    final Map<String, Member> members = new TreeMap<>();
    final Map<String, Long> memberLeases = new HashMap<>();
    final Map<String, List<KeyValue>> assignmentsByItem = new TreeMap<>();
    final Map<String, Integer> heldByMember = new HashMap<>();
    final Set<String> undecodableItems = new TreeSet<>();

    private StoreState() {
    }

    static StoreState of(AllocatorKeyspace keys, Collection<KeyValue> kvs) {
        StoreState state = new StoreState();
        for (KeyValue kv : kvs) {
            KeyKind kind = keys.parse(kv.key());
            if (kind instanceof KeyKind.ItemKey k) {
                try {
                    state.items.put(k.id(), StoredValues.decodeItem(k.id(), kv.value()));
                } catch (IllegalArgumentException e) {
                    state.undecodableItems.add(k.id());
                }
            } else if (kind instanceof KeyKind.MemberKey k) {
                state.members.put(k.id(), StoredValues.decodeMember(k.id(), kv.value()));
                state.memberLeases.put(k.id(), kv.lease());
            } else if (kind instanceof KeyKind.AssignmentKey k) {
                state.assignmentsByItem.computeIfAbsent(k.assignment().item(), i -> new ArrayList<>()).add(kv);
                state.heldByMember.merge(k.assignment().member(), 1, Integer::sum);
            }
        }
        state.assignmentsByItem.values().forEach(list -> list.sort(Comparator.comparingLong(KeyValue::createRevision)));
        return state;
    }

    static String memberOf(AllocatorKeyspace keys, KeyValue assignment) {
        return ((KeyKind.AssignmentKey) keys.parse(assignment.key())).assignment().member();
    }

    boolean isReady(AllocatorKeyspace keys, KeyValue assignment) {
        Long lease = memberLeases.get(memberOf(keys, assignment));
        return lease != null && lease == assignment.lease() && READY.equals(assignment.valueUtf8());
    }

    int readyCount(AllocatorKeyspace keys, String item) {
        int ready = 0;
        for (KeyValue kv : assignmentsByItem.getOrDefault(item, List.of())) {
            if (isReady(keys, kv)) {
                ready++;
            }
        }
        return ready;
    }

    KeyValue primary(String item) {
        List<KeyValue> list = assignmentsByItem.getOrDefault(item, List.of());
        return list.isEmpty() ? null : list.get(0);
    }

    /** Assignments on live members (member key on the same lease). */
    List<Assignment> live(AllocatorKeyspace keys) {
        List<Assignment> live = new ArrayList<>();
        assignmentsByItem.forEach((item, list) -> list.forEach(kv -> {
            String member = memberOf(keys, kv);
            Long lease = memberLeases.get(member);
            if (lease != null && lease == kv.lease()) {
                live.add(new Assignment(item, member));
            }
        }));
        return live;
    }

    int assignmentCount() {
        return assignmentsByItem.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Quiescent and balanced: every item holds exactly its replicas, all ready, nobody exiting,
     * and the solver, given this state as current, moves nothing.
     */
    boolean isConverged(AllocatorKeyspace keys) {
        if (members.values().stream().anyMatch(Member::exiting)) {
            return false;
        }
        for (Item item : items.values()) {
            List<KeyValue> list = assignmentsByItem.getOrDefault(item.id(), List.of());
            if (list.size() != item.replicas() || readyCount(keys, item.id()) != item.replicas()) {
                return false;
            }
        }
        if (!items.keySet().containsAll(assignmentsByItem.keySet())) {
            return false;
        }
        Allocation again = AllocationSolver.solve(items.values(), members.values(), live(keys));
        return again.added() == 0 && again.removed() == 0 && again.unplacedReplicas() == 0;
    }

    @Override
    public String toString() {
        Map<String, Integer> held = new TreeMap<>(heldByMember);
        return "StoreState[" + items.size() + " items, members " + members.keySet() + ", held " + held + ", "
                + assignmentCount() + " assignments]";
    }
}
