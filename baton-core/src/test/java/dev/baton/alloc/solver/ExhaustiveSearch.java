package dev.baton.alloc.solver;

import dev.baton.alloc.Assignment;
import dev.baton.alloc.Item;
import dev.baton.alloc.Member;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The exact optimum of a tiny instance by trying every assignment: each item takes any set of
 * distinct members (at most its replicas), subject to capacity. Feasible up to a handful of
 * items and members.
 */
final class ExhaustiveSearch {

    private final List<Item> items;
    private final List<Member> members;
    private final Collection<Assignment> current;
    private final List<List<List<Integer>>> options = new ArrayList<>();
    private final int[] load;
    private final int[] choice;
    private long maxPlaced;
    private Score best;
    private boolean scoring;

    private ExhaustiveSearch(List<Item> items, List<Member> members, Collection<Assignment> current) {
        this.items = items;
        this.members = members;
        this.current = current;
        this.load = new int[members.size()];
        this.choice = new int[items.size()];
        List<Integer> live = new ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            if (members.get(m).effectiveCapacity() > 0) {
                live.add(m);
            }
        }
        for (Item item : items) {
            List<List<Integer>> subsets = new ArrayList<>();
            for (int mask = 0; mask < (1 << live.size()); mask++) {
                if (Integer.bitCount(mask) > item.replicas()) {
                    continue;
                }
                List<Integer> subset = new ArrayList<>();
                for (int k = 0; k < live.size(); k++) {
                    if ((mask & (1 << k)) != 0) {
                        subset.add(live.get(k));
                    }
                }
                subsets.add(subset);
            }
            options.add(subsets);
        }
    }

    /** The best achievable score. */
    static Score optimum(List<Item> items, List<Member> members, Collection<Assignment> current) {
        ExhaustiveSearch search = new ExhaustiveSearch(items, members, current);
        search.scoring = false;
        search.walk(0);
        search.scoring = true;
        search.walk(0);
        return search.best;
    }

    /** The largest number of replicas any assignment places. */
    static long maxPlaced(List<Item> items, List<Member> members) {
        ExhaustiveSearch search = new ExhaustiveSearch(items, members, List.of());
        search.walk(0);
        return search.maxPlaced;
    }

    private void walk(int item) {
        if (item == items.size()) {
            leaf();
            return;
        }
        List<List<Integer>> subsets = options.get(item);
        for (int k = 0; k < subsets.size(); k++) {
            List<Integer> subset = subsets.get(k);
            boolean fits = true;
            for (int m : subset) {
                if (load[m] >= members.get(m).effectiveCapacity()) {
                    fits = false;
                }
            }
            if (!fits) {
                continue;
            }
            for (int m : subset) {
                load[m]++;
            }
            choice[item] = k;
            walk(item + 1);
            for (int m : subset) {
                load[m]--;
            }
        }
    }

    private void leaf() {
        long placed = 0;
        for (int i = 0; i < items.size(); i++) {
            placed += options.get(i).get(choice[i]).size();
        }
        if (!scoring) {
            maxPlaced = Math.max(maxPlaced, placed);
            return;
        }
        if (placed < maxPlaced) {
            return;
        }
        List<Assignment> target = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            for (int m : options.get(i).get(choice[i])) {
                target.add(new Assignment(items.get(i).id(), members.get(m).id()));
            }
        }
        Score score = Score.of(items, members, current, target, maxPlaced);
        if (best == null || score.compareTo(best) < 0) {
            best = score;
        }
    }
}
