package dev.baton.alloc.solver;

import dev.baton.alloc.Assignment;
import dev.baton.alloc.Item;
import dev.baton.alloc.Member;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The solver's objective recomputed from scratch for a finished assignment, independently of
 * the solver's own code, so tests can compare the solver against exhaustive search.
 * Ordered best first: more placed, then less coverage, zone, balance and moves cost.
 */
record Score(long placed, long coverage, long zone, long balance, long moves) implements Comparable<Score> {

    @Override
    public int compareTo(Score o) {
        int c = Long.compare(o.placed, placed);
        if (c == 0) {
            c = Long.compare(coverage, o.coverage);
        }
        if (c == 0) {
            c = Long.compare(zone, o.zone);
        }
        if (c == 0) {
            c = Long.compare(balance, o.balance);
        }
        return c != 0 ? c : Long.compare(moves, o.moves);
    }

    static long triangle(long k) {
        return k * (k + 1) / 2;
    }

    /** Fair-share band [low, high] of every member for a total of {@code maxPlaced} replicas. */
    static Map<String, long[]> fairBands(Collection<Member> members, long maxPlaced) {
        long total = 0;
        for (Member m : members) {
            total += m.effectiveCapacity();
        }
        Map<String, long[]> bands = new HashMap<>();
        for (Member m : members) {
            long num = maxPlaced * m.effectiveCapacity();
            long low = total == 0 ? 0 : num / total;
            long high = total == 0 ? 0 : low + (num % total == 0 ? 0 : 1);
            bands.put(m.id(), new long[] {low, high});
        }
        return bands;
    }

    static int liveZones(Collection<Member> members) {
        Set<String> zones = new TreeSet<>();
        for (Member m : members) {
            if (m.effectiveCapacity() > 0) {
                zones.add(m.zone());
            }
        }
        return zones.size();
    }

    static Score of(List<Item> items, List<Member> members, Collection<Assignment> current,
                    Collection<Assignment> target, long maxPlaced) {
        Map<String, long[]> bands = fairBands(members, maxPlaced);
        Map<String, Member> byId = new HashMap<>();
        for (Member m : members) {
            byId.put(m.id(), m);
        }
        int liveZones = liveZones(members);
        Map<String, Integer> placedPerItem = new HashMap<>();
        Map<String, Integer> perItemZone = new HashMap<>();
        Map<String, Integer> load = new HashMap<>();
        Set<Assignment> currentSet = new HashSet<>(current);
        long moves = 0;
        for (Assignment a : target) {
            placedPerItem.merge(a.item(), 1, Integer::sum);
            perItemZone.merge(a.item() + "/" + byId.get(a.member()).zone(), 1, Integer::sum);
            load.merge(a.member(), 1, Integer::sum);
            if (!currentSet.contains(a)) {
                moves++;
            }
        }
        long coverage = 0;
        long zone = 0;
        for (Item item : items) {
            coverage += triangle(placedPerItem.getOrDefault(item.id(), 0));
            long quota = liveZones == 0 ? 0 : (item.replicas() + liveZones - 1) / liveZones;
            for (Map.Entry<String, Integer> e : perItemZone.entrySet()) {
                if (e.getKey().startsWith(item.id() + "/")) {
                    zone += Math.max(0, e.getValue() - quota);
                }
            }
        }
        long balance = 0;
        for (Member m : members) {
            if (m.effectiveCapacity() == 0) {
                continue;
            }
            long l = load.getOrDefault(m.id(), 0);
            long[] band = bands.get(m.id());
            if (l < band[0]) {
                balance += triangle(band[0] - l);
            } else if (l > band[1]) {
                balance += triangle(l - band[1]);
            }
        }
        return new Score(target.size(), coverage, zone, balance, moves);
    }
}
