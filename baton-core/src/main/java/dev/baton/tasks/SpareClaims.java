package dev.baton.tasks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The last plan's spare claims: tasks the planner found free beyond what the member had room
 * for, taken in plan order as slots free, so a member working through short tasks claims the
 * next at once instead of waiting for the next pass. The next pass replaces them, and a change
 * of members drops them. A spare is re-checked against the member's table when taken: one that
 * another member took meanwhile, that was retired, is not due yet (see {@link ClaimWindow}), is
 * held off or already held is skipped, never claimed. Runs on the member's control thread; not
 * thread-safe.
 */
final class SpareClaims {
    /**
     * Spares a pass plans per task slot, up to {@link #MAX}: enough for slots that free many
     * times before the next pass, which waits longer the longer passes take ({@link PassPacing}).
     */
    static final int PER_SLOT = 64;
    static final int MAX = 1024;

    private final TaskTable table;
    private final Predicate<TaskId> held;
    private final ReleaseHoldOff holdOff;
    private final Clock clock;
    private final ClaimWindow window;
    private final ArrayDeque<TaskId> spares = new ArrayDeque<>();
    /** How many spares the last plan left; 0 once the next pass has been asked for. */
    private int planned;

    SpareClaims(TaskTable table, Predicate<TaskId> held, ReleaseHoldOff holdOff, Clock clock, ClaimWindow window) {
        this.table = table;
        this.held = held;
        this.holdOff = holdOff;
        this.clock = clock;
        this.window = window;
    }

    /** How many spares a member running at most {@code maxTasks} asks a pass for. */
    static int wanted(int maxTasks) {
        return Math.min(PER_SLOT * maxTasks, MAX);
    }

    /** Replaces the spares with a new plan's. */
    void plan(List<TaskId> planned) {
        spares.clear();
        spares.addAll(planned);
        this.planned = spares.size();
    }

    /** Drops the spares (the members changed, or the member froze). */
    void clear() {
        spares.clear();
    }

    /** Takes up to {@code room} spares that are still free to claim now, in plan order. */
    List<TaskId> take(int room) {
        Instant now = clock.instant();
        List<TaskId> claim = new ArrayList<>();
        while (claim.size() < room && !spares.isEmpty()) {
            TaskId task = spares.poll();
            if (claimable(task, now)) {
                claim.add(task);
            }
        }
        return claim;
    }

    /**
     * True once, when half of the last plan's spares are used: the moment to ask for the next
     * pass, so new spares arrive before the last ones run out.
     */
    boolean halfUsed() {
        if (spares.size() * 2 < planned) {
            planned = 0;
            return true;
        }
        return false;
    }

    private boolean claimable(TaskId task, Instant now) {
        TaskTable.Entry entry = table.entry(task);
        return entry != null && !entry.hasOwner() && entry.runnable()
                && window.due(entry.notBefore(), now)
                && !held.test(task) && !holdOff.isHeldOff(task);
    }
}
