package dev.baton.chaos.linear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether one register history can be linearized: Wing and Gong's search with Lowe's
 * improvements, as in porcupine.
 *
 * <p>Every operation becomes a call entry and a return entry in one doubly linked list sorted by
 * time (on equal times calls come first, so operations that touch are concurrent). The search
 * walks the list from its head: a call entry whose operation the register allows is linearized
 * next: it is lifted out of the list with its return entry, and the walk restarts at the head.
 * Reaching a return entry means its operation should have been linearized already: the last
 * choice is undone (from a stack, by relinking the lifted entries) and the walk goes on after it.
 * Each (set of linearized operations, register state) reached is remembered; reaching one again
 * cannot lead anywhere new, so that branch is cut. The list empties when the history is
 * linearizable; the stack empties when it is not.
 */
final class LinearizationSearch {

    /** Thrown when the deadline passes before the search decides. */
    static final class BudgetExhausted extends Exception {
        BudgetExhausted() {
            super(null, null, false, false);
        }
    }

    /** How deep the search got: the longest valid order it found and what blocked it there. */
    record Frontier(int linearized, int state, List<Operation> candidates) {
    }

    private static final int CHECK_CLOCK_EVERY = 1 << 12;

    private final Operation[] ops;
    private final int initialState;
    private final long deadlineNanos;
    private final boolean recordFrontier;
    private Frontier frontier;

    /**
     * @param recordFrontier whether to note the candidates at the deepest point reached (costs a
     *                       walk of the list each time the search gets deeper)
     */
    LinearizationSearch(List<Operation> ops, int initialState, long deadlineNanos, boolean recordFrontier) {
        this.ops = ops.toArray(Operation[]::new);
        this.initialState = initialState;
        this.deadlineNanos = deadlineNanos;
        this.recordFrontier = recordFrontier;
    }

    /** Whether the operations can be linearized from the initial state. */
    boolean linearizable() throws BudgetExhausted {
        int n = ops.length;
        int head = 2 * n;
        int[] next = new int[2 * n + 1];
        int[] prev = new int[2 * n + 1];
        link(head, next, prev);

        LinearizedSet linearized = new LinearizedSet(n);
        Set<Configuration> seen = new HashSet<>();
        int[] stackOp = new int[n];
        int[] stackState = new int[n];
        int depth = 0;
        int state = initialState;
        noteFrontier(0, state, head, next);

        int entry = next[head];
        long steps = 0;
        while (next[head] != head) {
            if (++steps % CHECK_CLOCK_EVERY == 0 && System.nanoTime() - deadlineNanos > 0) {
                throw new BudgetExhausted();
            }
            if (entry < n) {
                int after = RegisterModel.apply(state, ops[entry]);
                if (after != RegisterModel.ILLEGAL && remember(seen, linearized, entry, after)) {
                    stackOp[depth] = entry;
                    stackState[depth] = state;
                    depth++;
                    state = after;
                    linearized.add(entry);
                    lift(entry, entry + n, next, prev);
                    noteFrontier(depth, state, head, next);
                    entry = next[head];
                } else {
                    entry = next[entry];
                }
            } else {
                if (depth == 0) {
                    return false;
                }
                depth--;
                int undone = stackOp[depth];
                state = stackState[depth];
                linearized.remove(undone);
                unlift(undone, undone + n, next, prev);
                entry = next[undone];
            }
        }
        return true;
    }

    /** The deepest point reached; only recorded when asked for at construction. */
    Frontier frontier() {
        return frontier;
    }

    /** Links call entries (0..n-1) and return entries (n..2n-1) after the head, sorted by time. */
    private void link(int head, int[] next, int[] prev) {
        int n = ops.length;
        Integer[] order = new Integer[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int byTime = Long.compare(time(a), time(b));
            return byTime != 0 ? byTime : Boolean.compare(a >= n, b >= n);
        });
        int last = head;
        for (int entry : order) {
            next[last] = entry;
            prev[entry] = last;
            last = entry;
        }
        next[last] = head;
        prev[head] = last;
    }

    private long time(int entry) {
        int n = ops.length;
        return entry < n ? ops[entry].invokedNanos() : ops[entry - n].returnedNanos();
    }

    /** Records (linearized + op, state) and says whether it was new. */
    private static boolean remember(Set<Configuration> seen, LinearizedSet linearized, int op, int state) {
        linearized.add(op);
        boolean fresh = !seen.contains(new Configuration(linearized.words(), linearized.hash(), state));
        if (fresh) {
            seen.add(new Configuration(linearized.words().clone(), linearized.hash(), state));
        }
        linearized.remove(op);
        return fresh;
    }

    private static void lift(int call, int ret, int[] next, int[] prev) {
        next[prev[call]] = next[call];
        prev[next[call]] = prev[call];
        next[prev[ret]] = next[ret];
        prev[next[ret]] = prev[ret];
    }

    /** Undoes {@link #lift}: the lifted entries still point at their old neighbours. */
    private static void unlift(int call, int ret, int[] next, int[] prev) {
        next[prev[ret]] = ret;
        prev[next[ret]] = ret;
        next[prev[call]] = call;
        prev[next[call]] = call;
    }

    private void noteFrontier(int depth, int state, int head, int[] next) {
        if (!recordFrontier || frontier != null && depth <= frontier.linearized()) {
            return;
        }
        List<Operation> candidates = new ArrayList<>();
        for (int entry = next[head]; entry != head && entry < ops.length; entry = next[entry]) {
            candidates.add(ops[entry]);
        }
        frontier = new Frontier(depth, state, candidates);
    }

    /** A point of the search: which operations are linearized, and the register's state after them. */
    private record Configuration(long[] words, long hash, int state) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Configuration c && state == c.state && hash == c.hash
                    && Arrays.equals(words, c.words);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(hash * 0x9E3779B97F4A7C15L + state);
        }
    }
}
