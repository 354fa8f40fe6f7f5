package dev.baton.bench.alloc;

import dev.baton.alloc.Allocation;
import dev.baton.alloc.Assignment;
import dev.baton.alloc.Item;
import dev.baton.alloc.Member;
import dev.baton.alloc.solver.AllocationSolver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One problem size for {@link AllocationSolver}: items of 3 replicas over members in 3 zones, each
 * member with capacity twice its fair share, and the changes whose moves are counted.
 */
final class SolverScale {
    static final int REPLICAS = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One solve with its wall-clock and CPU time (the CPU time stays meaningful on a shared machine). */
    record Timed(Allocation allocation, double wallMillis, double cpuMillis) {
        static Timed solve(List<Item> items, List<Member> members, List<Assignment> current) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            Allocation allocation = AllocationSolver.solve(items, members, current);
            Timed timed = new Timed(allocation, (System.nanoTime() - wall) / 1e6,
                    (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6);
            if (!allocation.optimal() || allocation.unplacedReplicas() != 0) {
                throw new IllegalStateException("unexpected allocation of " + items.size() + " items: optimal="
                        + allocation.optimal() + " unplaced=" + allocation.unplacedReplicas());
            }
            return timed;
        }
    }

    /** A change to a converged state: the moves it caused and the fewest it could have. */
    record Moves(String change, long moves, long lowerBound) {
    }

    final List<Item> items;
    final List<Member> members;
    final int capacity;

    SolverScale(int itemCount, int memberCount) {
        items = new ArrayList<>(itemCount);
        for (int i = 0; i < itemCount; i++) {
            items.add(new Item(String.format(Locale.ROOT, "item-%07d", i), REPLICAS));
        }
        capacity = (int) Math.max(1, 2L * REPLICAS * itemCount / memberCount);
        members = new ArrayList<>(memberCount);
        for (int m = 0; m < memberCount; m++) {
            members.add(new Member(String.format(Locale.ROOT, "member-%04d", m), "zone-" + (char) ('a' + m % 3),
                    capacity));
        }
    }

    /** From {@code converged}: a member joins, one leaves, one item's replica count goes up and down by one. */
    List<Moves> changes(List<Assignment> converged) {
        List<Member> joined = new ArrayList<>(members);
        joined.add(new Member("member-joined", "zone-a", capacity));
        List<Member> left = new ArrayList<>(members.subList(1, members.size()));
        List<Item> more = new ArrayList<>(items);
        more.set(0, new Item(items.get(0).id(), REPLICAS + 1));
        List<Item> fewer = new ArrayList<>(items);
        fewer.set(0, new Item(items.get(0).id(), REPLICAS - 1));
        return List.of(
                moves("a member joins", items, joined, converged),
                moves("a member leaves", items, left, converged),
                moves("one item's replicas +1", more, members, converged),
                moves("one item's replicas -1", fewer, members, converged));
    }

    private static Moves moves(String change, List<Item> items, List<Member> members, List<Assignment> current) {
        Allocation next = Timed.solve(items, members, current).allocation();
        return new Moves(change, next.added(), MoveLowerBound.of(members, current, next.assignments()));
    }
}
