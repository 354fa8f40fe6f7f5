package dev.baton.chaos.linear;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Shrinks a key's history that cannot be linearized to a short excerpt that still cannot, and
 * says why in words.
 *
 * <p>Every step keeps the excerpt a proof: if the excerpt cannot be linearized, neither can the
 * history. The steps, in order:
 * <ol>
 * <li>A read of a value that no write invoked before the read's response could have produced
 *     is a proof on its own, with that write (if any) to show it came too late.</li>
 * <li>Otherwise the history is cut at the earliest response that makes it non-linearizable
 *     ({@link KeyHistory#cutAt}); binary search finds it, since a cut that fails keeps failing.</li>
 * <li>Its start moves to the latest instant no completed operation spans from which the rest
 *     cannot be linearized whatever the register then held ({@link KeyHistory#from}).</li>
 * <li>Reads (GETs and CASes that did not swap) are left out one at a time, again and again,
 *     while the rest still fails: leaving a read out only removes a constraint. Writes stay:
 *     leaving one out could invent a violation the history does not have.</li>
 * </ol>
 * So "minimal" means: ends at the earliest unexplainable response, starts as late as a cut at a
 * quiet instant allows, and no read can be left out. Each step is bounded by the deadline; when
 * it passes, the excerpt found so far is returned (still a proof, only longer).
 */
final class ViolationExcerpt {

    private static final Comparator<RegisterOp> BY_INVOCATION =
            Comparator.comparingLong(RegisterOp::invokedNanos).thenComparingLong(RegisterOp::completedNanos);

    private final KeyHistory history;
    private final long deadlineNanos;
    private List<Operation> ops;
    private int initialState = RegisterModel.ABSENT;
    private RegisterOp unexplained;
    private boolean shortened = true;

    private ViolationExcerpt(KeyHistory history, long deadlineNanos) {
        this.history = history;
        this.deadlineNanos = deadlineNanos;
        this.ops = history.searched();
    }

    /**
     * Step 1, cheap enough to run before any search: a VIOLATION if some read needs a value no
     * write could have produced in time, else null.
     */
    static Verdict impossibleRead(KeyHistory history) {
        return new ViolationExcerpt(history, 0).impossibleRead();
    }

    /** Steps 2 to 4, for a key whose history is known not to be linearizable. */
    static Verdict of(KeyHistory history, long deadlineNanos) {
        ViolationExcerpt excerpt = new ViolationExcerpt(history, deadlineNanos);
        try {
            excerpt.cutAtFirstUnexplainedResponse();
            excerpt.startAtLatestQuietInstant();
            excerpt.leaveOutReads();
        } catch (LinearizationSearch.BudgetExhausted e) {
            excerpt.shortened = false;
        }
        return excerpt.explained();
    }

    private Verdict impossibleRead() {
        Map<Integer, Operation> earliestWrites = earliestWrites();
        RegisterOp firstRead = null;
        RegisterOp earliestWrite = null;
        for (Operation read : ops) {
            int needed = needs(read);
            if (needed == RegisterModel.ABSENT
                    || firstRead != null && read.returnedNanos() >= firstRead.completedNanos()) {
                continue;
            }
            Operation write = earliestWrites.get(needed);
            if (write == null || write.invokedNanos() > read.returnedNanos()) {
                firstRead = read.source();
                earliestWrite = write == null ? null : write.source();
            }
        }
        if (firstRead == null) {
            return null;
        }
        List<RegisterOp> excerpt = new ArrayList<>();
        excerpt.add(firstRead);
        String value = '"' + (firstRead.kind() == RegisterOp.Kind.GET ? firstRead.observed() : firstRead.expected()) + '"';
        String how = firstRead.kind() == RegisterOp.Kind.GET ? "read " + value : "swapped from " + value;
        String explanation;
        if (earliestWrite == null) {
            List<RegisterOp> failed = failedWritesOf(firstRead.kind() == RegisterOp.Kind.GET
                    ? firstRead.observed() : firstRead.expected());
            excerpt.addAll(failed);
            explanation = "On " + history.key() + ", " + firstRead + " " + how + ", which no operation wrote"
                    + (failed.isEmpty() ? "." : " (only writes that failed carried it).");
        } else {
            excerpt.add(earliestWrite);
            explanation = "On " + history.key() + ", " + firstRead + " " + how + ", but the earliest write of it"
                    + " was invoked only after that response: " + earliestWrite + ".";
        }
        excerpt.sort(BY_INVOCATION);
        return new Verdict(Verdict.Result.VIOLATION, history.key(), history.recorded().size(), excerpt, explanation);
    }

    /** The value an OK read needs the register to hold, or ABSENT when it needs none in particular. */
    private static int needs(Operation op) {
        if (op.unknown()) {
            return RegisterModel.ABSENT;
        }
        return switch (op.kind()) {
            case GET -> op.observed();
            case CAS -> op.swapped() ? op.expected() : RegisterModel.ABSENT;
            case PUT -> RegisterModel.ABSENT;
        };
    }

    /** For each value written, the write of it invoked first (UNKNOWN ones included: they may have applied). */
    private Map<Integer, Operation> earliestWrites() {
        Map<Integer, Operation> earliest = new HashMap<>();
        for (Operation op : ops) {
            boolean mayWrite = op.kind() == RegisterOp.Kind.PUT || op.kind() == RegisterOp.Kind.CAS && (op.unknown() || op.swapped());
            if (mayWrite) {
                earliest.merge(op.value(), op, (a, b) -> a.invokedNanos() <= b.invokedNanos() ? a : b);
            }
        }
        return earliest;
    }

    private List<RegisterOp> failedWritesOf(String value) {
        List<RegisterOp> failed = new ArrayList<>();
        for (RegisterOp op : history.recorded()) {
            if (op.outcome() == RegisterOp.Outcome.FAILED && value.equals(op.value())) {
                failed.add(op);
            }
        }
        return failed;
    }

    private void cutAtFirstUnexplainedResponse() throws LinearizationSearch.BudgetExhausted {
        TreeSet<Long> responseTimes = new TreeSet<>();
        for (Operation op : ops) {
            if (!op.unknown()) {
                responseTimes.add(op.returnedNanos());
            }
        }
        Long[] times = responseTimes.toArray(Long[]::new);
        int low = 0;
        int high = times.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (fails(KeyHistory.cutAt(ops, times[middle]), RegisterModel.ABSENT)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        long cut = times[high];
        ops = KeyHistory.cutAt(ops, cut);
        for (Operation op : ops) {
            if (!op.unknown() && op.returnedNanos() == cut) {
                unexplained = op.source();
                break;
            }
        }
    }

    private void startAtLatestQuietInstant() throws LinearizationSearch.BudgetExhausted {
        List<Long> quiet = quietInstants();
        int failing = -1;
        int passing = quiet.size();
        for (int step = 1, candidate = quiet.size() - 1; candidate >= 0; step *= 2, candidate = quiet.size() - step) {
            if (fails(KeyHistory.from(ops, quiet.get(candidate)), RegisterModel.ANY)) {
                failing = candidate;
                break;
            }
            passing = candidate;
        }
        if (failing < 0) {
            return;
        }
        while (passing - failing > 1) {
            int middle = (failing + passing) >>> 1;
            if (fails(KeyHistory.from(ops, quiet.get(middle)), RegisterModel.ANY)) {
                failing = middle;
            } else {
                passing = middle;
            }
        }
        ops = KeyHistory.from(ops, quiet.get(failing));
        initialState = RegisterModel.ANY;
    }

    /**
     * Invocation times, after the first, that every completed operation invoked earlier has
     * returned strictly before: the instants {@link KeyHistory#from} accepts. Ascending.
     */
    private List<Long> quietInstants() {
        List<Operation> byInvocation = new ArrayList<>(ops);
        byInvocation.sort(Comparator.comparingLong(Operation::invokedNanos));
        List<Long> quiet = new ArrayList<>();
        long latestReturn = Long.MIN_VALUE;
        for (int i = 0; i < byInvocation.size(); i++) {
            Operation op = byInvocation.get(i);
            boolean startsGroup = i > 0 && op.invokedNanos() != byInvocation.get(i - 1).invokedNanos();
            if (startsGroup && latestReturn < op.invokedNanos()) {
                quiet.add(op.invokedNanos());
            }
            if (!op.unknown()) {
                latestReturn = Math.max(latestReturn, op.returnedNanos());
            }
        }
        return quiet;
    }

    private void leaveOutReads() throws LinearizationSearch.BudgetExhausted {
        boolean leftOne;
        do {
            leftOne = false;
            for (int i = 0; i < ops.size(); i++) {
                if (!ops.get(i).readOnly()) {
                    continue;
                }
                List<Operation> without = new ArrayList<>(ops);
                without.remove(i);
                if (fails(without, initialState)) {
                    ops = without;
                    leftOne = true;
                    i--;
                }
            }
        } while (leftOne);
    }

    private boolean fails(List<Operation> candidate, int initial) throws LinearizationSearch.BudgetExhausted {
        return !new LinearizationSearch(candidate, initial, deadlineNanos, false).linearizable();
    }

    private Verdict explained() {
        LinearizationSearch.Frontier frontier = null;
        try {
            LinearizationSearch search = new LinearizationSearch(ops, initialState, deadlineNanos, true);
            search.linearizable();
            frontier = search.frontier();
        } catch (LinearizationSearch.BudgetExhausted e) {
            shortened = false;
        }
        List<RegisterOp> excerpt = new ArrayList<>();
        for (Operation op : ops) {
            excerpt.add(op.source());
        }
        excerpt.sort(BY_INVOCATION);
        StringBuilder text = new StringBuilder();
        text.append("On ").append(history.key()).append(", no order of these ").append(excerpt.size())
                .append(" operations respects both real time and the register");
        text.append(initialState == RegisterModel.ANY ? ", whatever value it held before them." : ", which starts absent.");
        if (unexplained != null) {
            text.append(" The earliest response that cannot be explained is ").append(unexplained).append('.');
        }
        if (frontier != null) {
            text.append(" The longest valid order places ").append(frontier.linearized()).append(" of them, leaving the register ")
                    .append(history.describe(frontier.state())).append("; no operation that could come next leads on: ");
            for (int i = 0; i < frontier.candidates().size(); i++) {
                text.append(i == 0 ? "" : "; ").append(frontier.candidates().get(i).source());
            }
            text.append('.');
        }
        if (!shortened) {
            text.append(" (The search budget ran out before the excerpt could be shortened further.)");
        }
        return new Verdict(Verdict.Result.VIOLATION, history.key(), history.recorded().size(), excerpt, text.toString());
    }
}
