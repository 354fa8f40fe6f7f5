package dev.baton.bench.tasks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The fewest tasks that must change owner to reach a fair balance, from the counts alone: after
 * the change every one of {@code membersAfter} members holds ⌊N/M⌋ or ⌈N/M⌉ of the N tasks. Each
 * surviving member keeps at most its target; the ⌈N/M⌉ slots go to those holding the most, which
 * maximises what is kept. Every task not kept moves (all of a departed member's tasks do).
 */
final class MinimumMoves {
    private MinimumMoves() {
    }

    /**
     * @param heldBySurvivors what each member present both before and after holds now (newcomers
     *                        hold nothing and need not be listed)
     * @param total           every task, including those held by members that leave
     * @param membersAfter    members after the change, newcomers included
     */
    static int of(Collection<Integer> heldBySurvivors, int total, int membersAfter) {
        if (membersAfter < 1 || membersAfter < heldBySurvivors.size()) {
            throw new IllegalArgumentException(membersAfter + " members after the change, but "
                    + heldBySurvivors.size() + " survive it");
        }
        int held = heldBySurvivors.stream().mapToInt(Integer::intValue).sum();
        if (held > total) {
            throw new IllegalArgumentException("survivors hold " + held + " tasks of " + total);
        }
        int floor = total / membersAfter;
        int spare = total % membersAfter;
        List<Integer> fullestFirst = new ArrayList<>(heldBySurvivors);
        fullestFirst.sort((a, b) -> Integer.compare(b, a));
        int kept = 0;
        for (int i = 0; i < fullestFirst.size(); i++) {
            int target = i < spare ? floor + 1 : floor;
            kept += Math.min(fullestFirst.get(i), target);
        }
        return total - kept;
    }
}
