package dev.baton.bench.alloc;

import dev.baton.alloc.Assignment;
import dev.baton.alloc.Member;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The fewest replicas a change must add, whatever the solver keeps: each must land on a member
 * that did not hold it. For every member, its target load above what it held and may still hold;
 * for every item, its target replicas above its surviving current ones; whichever sum is larger.
 */
final class MoveLowerBound {
    private MoveLowerBound() {
    }

    static long of(Collection<Member> members, Collection<Assignment> current, Collection<Assignment> target) {
        Set<String> live = new HashSet<>();
        for (Member m : members) {
            if (m.effectiveCapacity() > 0) {
                live.add(m.id());
            }
        }
        Map<String, Long> currentLoad = new HashMap<>();
        Map<String, Long> currentReplicas = new HashMap<>();
        for (Assignment a : current) {
            if (live.contains(a.member())) {
                currentLoad.merge(a.member(), 1L, Long::sum);
                currentReplicas.merge(a.item(), 1L, Long::sum);
            }
        }
        Map<String, Long> targetLoad = new HashMap<>();
        Map<String, Long> targetReplicas = new HashMap<>();
        for (Assignment a : target) {
            targetLoad.merge(a.member(), 1L, Long::sum);
            targetReplicas.merge(a.item(), 1L, Long::sum);
        }
        return Math.max(surplus(targetLoad, currentLoad), surplus(targetReplicas, currentReplicas));
    }

    private static long surplus(Map<String, Long> target, Map<String, Long> current) {
        long sum = 0;
        for (Map.Entry<String, Long> e : target.entrySet()) {
            sum += Math.max(0, e.getValue() - current.getOrDefault(e.getKey(), 0L));
        }
        return sum;
    }
}
