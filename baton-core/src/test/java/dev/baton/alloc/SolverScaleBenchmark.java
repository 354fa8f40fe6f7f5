package dev.baton.alloc;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Solver time and move counts at scale. Not a test: run it with
 * <pre>
 *   mvn -o -q -pl baton-core -am test-compile
 *   java -Xmx6g -cp baton-core/target/classes:baton-core/target/test-classes dev.baton.alloc.SolverScaleBenchmark [items...]
 * </pre>
 * For each size (items × 3 replicas over 100 and 1,000 members in 3 zones, capacity twice the
 * fair share) it reports the time of a fresh solve and of a re-solve of the converged state,
 * then the moves a single member joining, a member leaving and one item's replica count
 * changing cause, each beside its lower bound. The lower bound counts replicas that must land
 * on a member that did not hold them: for every member, its target load above what it held
 * and still may hold; for every item, its target replicas above its surviving current ones.
 * Times are wall-clock and, in brackets, the solving thread's CPU time, which stays
 * meaningful when other processes share the machine.
 */
public final class SolverScaleBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SolverScaleBenchmark() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {10_000, 100_000, 1_000_000} : parse(args);
        System.out.printf(Locale.ROOT, "%-9s %-8s %-18s %-18s %-26s %-26s %-22s %-22s%n", "items", "members",
                "fresh ms (cpu)", "steady ms (cpu)", "join added/LB ms", "leave added/LB ms", "replicas+1 added/LB", "replicas-1 added/LB");
        for (int members : new int[] {100, 1_000}) {
            for (int items : sizes) {
                run(items, members);
            }
        }
    }

    private static int[] parse(String[] args) {
        int[] sizes = new int[args.length];
        for (int k = 0; k < args.length; k++) {
            sizes[k] = Integer.parseInt(args[k]);
        }
        return sizes;
    }

    private static void run(int itemCount, int memberCount) {
        List<Item> items = new ArrayList<>(itemCount);
        for (int i = 0; i < itemCount; i++) {
            items.add(new Item(String.format(Locale.ROOT, "item-%07d", i), 3));
        }
        int capacity = (int) Math.max(1, 2L * 3 * itemCount / memberCount);
        List<Member> members = new ArrayList<>(memberCount);
        for (int m = 0; m < memberCount; m++) {
            members.add(member(m, capacity));
        }

        Timed fresh = Timed.solve(items, members, List.of());
        Timed steady = Timed.solve(items, members, fresh.allocation.assignments());
        List<Assignment> converged = steady.allocation.assignments();

        List<Member> joined = new ArrayList<>(members);
        joined.add(new Member("member-joined", "zone-a", capacity));
        String join = moves(items, joined, converged);

        List<Member> left = new ArrayList<>(members.subList(1, members.size()));
        String leave = moves(items, left, converged);

        List<Item> more = new ArrayList<>(items);
        more.set(0, new Item(items.get(0).id(), 4));
        String up = moves(more, members, converged);

        List<Item> fewer = new ArrayList<>(items);
        fewer.set(0, new Item(items.get(0).id(), 2));
        String down = moves(fewer, members, converged);

        System.out.printf(Locale.ROOT, "%-9d %-8d %-18s %-18s %-26s %-26s %-22s %-22s%n",
                itemCount, memberCount, fresh.times(), steady.times(), join, leave, up, down);
    }

    private static Member member(int m, int capacity) {
        String zone = "zone-" + (char) ('a' + m % 3);
        return new Member(String.format(Locale.ROOT, "member-%04d", m), zone, capacity);
    }

    private static String moves(List<Item> items, List<Member> members, List<Assignment> current) {
        Timed next = Timed.solve(items, members, current);
        return next.allocation.added() + "/" + lowerBound(members, current, next.allocation.assignments())
                + " " + next.times();
    }

    /** One solve with its wall-clock and CPU time. */
    private record Timed(Allocation allocation, long wallMs, long cpuMs) {

        static Timed solve(List<Item> items, List<Member> members, List<Assignment> current) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            Allocation allocation = AllocationSolver.solve(items, members, current);
            Timed timed = new Timed(allocation, (System.nanoTime() - wall) / 1_000_000,
                    (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000);
            check(allocation);
            return timed;
        }

        String times() {
            return wallMs + " (" + cpuMs + ")";
        }
    }

    /** Replicas the target must add whatever it keeps, given its loads and replica counts. */
    static long lowerBound(List<Member> members, List<Assignment> current, List<Assignment> target) {
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
        long byMember = 0;
        for (Map.Entry<String, Long> e : targetLoad.entrySet()) {
            byMember += Math.max(0, e.getValue() - currentLoad.getOrDefault(e.getKey(), 0L));
        }
        long byItem = 0;
        for (Map.Entry<String, Long> e : targetReplicas.entrySet()) {
            byItem += Math.max(0, e.getValue() - currentReplicas.getOrDefault(e.getKey(), 0L));
        }
        return Math.max(byMember, byItem);
    }

    private static void check(Allocation allocation) {
        if (!allocation.optimal() || allocation.unplacedReplicas() != 0) {
            throw new IllegalStateException("unexpected allocation: optimal=" + allocation.optimal()
                    + " unplaced=" + allocation.unplacedReplicas());
        }
    }
}
