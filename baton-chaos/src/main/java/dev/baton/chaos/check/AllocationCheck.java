package dev.baton.chaos.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.chaos.history.StoreEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checker 3: the allocator's keyspace, replayed revision by revision from a watch that started at
 * revision 1.
 *
 * <ul>
 *   <li><b>Capacity</b>: after every revision, no member holds more live assignments than the
 *       capacity its member key declares. An assignment is live when it is bound to the lease of
 *       its member's current key; one bound to an older lease is an orphan the store deletes with
 *       that lease, and the allocator counts it nowhere.</li>
 *   <li><b>Safe handoff</b>: a planned removal (an assignment deleted while its member's key,
 *       with the same lease, still exists: the leader's decision, not a lease expiring) never
 *       leaves its item with fewer ready replicas than min(replicas, ready before). Ready: live
 *       with a non-empty status, the allocator's default readiness.</li>
 * </ul>
 * There is no check that an item is held twice by one member: an assignment's key is
 * {@code assign/<item>/<member>}, so the keyspace cannot express it.
 */
public final class AllocationCheck {

    static final String NAME = "allocation";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String itemsPrefix;
    private final String membersPrefix;
    private final String assignPrefix;

    private final Map<String, Integer> replicas = new HashMap<>();
    private final Map<String, MemberKey> members = new HashMap<>();
    private final Map<String, StoreEvent> assignments = new HashMap<>();
    private final List<Violation> violations = new ArrayList<>();
    private final Set<String> reported = new HashSet<>();

    private record MemberKey(int capacity, long lease, StoreEvent event) {
    }

    private AllocationCheck(String allocPrefix) {
        this.itemsPrefix = allocPrefix + "items/";
        this.membersPrefix = allocPrefix + "members/";
        this.assignPrefix = allocPrefix + "assign/";
    }

    /**
     * @param allocPrefix the allocator's prefix, {@code <ns>alloc/}
     * @param events      every change under it from revision 1, in revision order
     */
    public static CheckResult check(String allocPrefix, List<StoreEvent> events) {
        AllocationCheck check = new AllocationCheck(allocPrefix);
        TreeMap<Long, List<StoreEvent>> byRevision = new TreeMap<>();
        for (StoreEvent event : events) {
            byRevision.computeIfAbsent(event.revision(), r -> new ArrayList<>()).add(event);
        }
        byRevision.values().forEach(check::apply);
        return new CheckResult(NAME, byRevision.size(), check.violations, events.size() + " events");
    }

    private void apply(List<StoreEvent> revision) {
        Map<String, Integer> readyBefore = new HashMap<>();
        List<StoreEvent> plannedRemovals = new ArrayList<>();
        for (StoreEvent event : revision) {
            if (event.type() == StoreEvent.Type.DELETE && event.key().startsWith(assignPrefix)
                    && assignments.containsKey(event.key())) {
                String[] parts = itemAndMember(event.key());
                readyBefore.putIfAbsent(parts[0], ready(parts[0]));
                if (!memberKeyDeletedWithLease(revision, parts[1], assignments.get(event.key()).lease())) {
                    plannedRemovals.add(assignments.get(event.key()));
                }
            }
        }
        for (StoreEvent event : revision) {
            applyOne(event);
        }
        for (StoreEvent removal : plannedRemovals) {
            String item = itemAndMember(removal.key())[0];
            int before = readyBefore.get(item);
            int required = Math.min(replicas.getOrDefault(item, 0), before);
            int after = ready(item);
            if (after < required && reported.add("ready/" + item + "/" + removal.revision())) {
                List<Object> excerpt = new ArrayList<>(revision);
                violations.add(Violation.of(NAME, "a planned removal at revision " + revision.get(0).revision()
                        + " left item " + item + " with " + after + " ready replicas; " + required
                        + " were required (" + before + " ready before)", excerpt));
            }
        }
        checkCapacity(revision);
    }

    /** True when the member key bound to {@code lease} is deleted in the same revision: the lease ended. */
    private boolean memberKeyDeletedWithLease(List<StoreEvent> revision, String member, long lease) {
        MemberKey key = members.get(member);
        return key != null && key.lease() == lease && revision.stream().anyMatch(e ->
                e.type() == StoreEvent.Type.DELETE && e.key().equals(membersPrefix + member));
    }

    private void applyOne(StoreEvent event) {
        String key = event.key();
        boolean put = event.type() == StoreEvent.Type.PUT;
        if (key.startsWith(itemsPrefix)) {
            String item = key.substring(itemsPrefix.length());
            if (put) {
                replicas.put(item, json(event.value()).path("replicas").asInt());
            } else {
                replicas.remove(item);
            }
        } else if (key.startsWith(membersPrefix)) {
            String member = key.substring(membersPrefix.length());
            if (put) {
                members.put(member, new MemberKey(json(event.value()).path("capacity").asInt(), event.lease(), event));
            } else {
                members.remove(member);
            }
        } else if (key.startsWith(assignPrefix)) {
            if (put) {
                assignments.put(key, event);
            } else {
                assignments.remove(key);
            }
        }
    }

    private void checkCapacity(List<StoreEvent> revision) {
        Map<String, List<StoreEvent>> held = new HashMap<>();
        for (StoreEvent assignment : assignments.values()) {
            String member = itemAndMember(assignment.key())[1];
            if (live(member, assignment)) {
                held.computeIfAbsent(member, m -> new ArrayList<>()).add(assignment);
            }
        }
        held.forEach((member, list) -> {
            MemberKey key = members.get(member);
            if (list.size() > key.capacity() && reported.add("capacity/" + member)) {
                List<Object> excerpt = new ArrayList<>();
                excerpt.add(key.event());
                excerpt.addAll(list);
                violations.add(Violation.of(NAME, "member " + member + " holds " + list.size()
                        + " assignments over its capacity " + key.capacity() + " at revision "
                        + revision.get(0).revision(), excerpt));
            }
        });
    }

    private boolean live(String member, StoreEvent assignment) {
        MemberKey key = members.get(member);
        return key != null && key.lease() == assignment.lease();
    }

    private int ready(String item) {
        int count = 0;
        for (StoreEvent assignment : assignments.values()) {
            String[] parts = itemAndMember(assignment.key());
            if (parts[0].equals(item) && live(parts[1], assignment) && !assignment.value().isEmpty()) {
                count++;
            }
        }
        return count;
    }

    private String[] itemAndMember(String key) {
        String rest = key.substring(assignPrefix.length());
        int slash = rest.indexOf('/');
        return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    private static JsonNode json(String value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("allocator value " + value + " is not JSON", e);
        }
    }
}
