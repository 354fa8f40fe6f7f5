package dev.baton.chaos.check;

import dev.baton.chaos.history.LedgerEntry;
import dev.baton.chaos.history.TaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checker 2: no submitted task lost, and no completed task run again.
 *
 * <p>Every task whose submission was acknowledged must end COMPLETED; its work must have been
 * finished (a write marked last, by some run) before its done record; and no handler may write
 * for it after the done record (a run after completion).
 */
public final class TaskCompletionCheck {

    static final String NAME = "tasks";
    private static final int EXCERPT = 3;

    private TaskCompletionCheck() {
    }

    /**
     * @param tasks  every task whose submission was acknowledged, as read at the end
     * @param ledger every accepted write
     */
    public static CheckResult check(List<TaskRecord> tasks, List<LedgerEntry> ledger) {
        Map<String, List<LedgerEntry>> writes = ledger.stream()
                .filter(entry -> entry.writer() == LedgerEntry.Writer.TASK)
                .sorted(Comparator.comparingLong(LedgerEntry::revision))
                .collect(Collectors.groupingBy(LedgerEntry::subject));
        List<Violation> violations = new ArrayList<>();
        for (TaskRecord task : tasks) {
            List<LedgerEntry> own = writes.getOrDefault(task.id(), List.of());
            if (task.doneStatus().isEmpty()) {
                violations.add(Violation.of(NAME, "task " + task.id() + " was submitted and never completed",
                        tail(own)));
                continue;
            }
            String status = task.doneStatus().get();
            if (!status.equals("completed")) {
                violations.add(Violation.of(NAME, "task " + task.id() + " ended " + status + ", not completed",
                        tail(own)));
            }
            boolean finished = own.stream().anyMatch(w -> w.last() && w.revision() < task.doneRevision());
            if (status.equals("completed") && !finished) {
                violations.add(Violation.of(NAME, "task " + task.id() + " was retired as completed at revision "
                        + task.doneRevision() + " before any run finished its work", tail(own)));
            }
            List<LedgerEntry> late = own.stream().filter(w -> w.revision() > task.doneRevision()).toList();
            if (!late.isEmpty()) {
                violations.add(Violation.of(NAME, "task " + task.id() + " ran again after it was completed at revision "
                        + task.doneRevision(), late.subList(0, Math.min(EXCERPT, late.size()))));
            }
        }
        return new CheckResult(NAME, tasks.size(), violations, "");
    }

    private static List<LedgerEntry> tail(List<LedgerEntry> writes) {
        return writes.subList(Math.max(0, writes.size() - EXCERPT), writes.size());
    }
}
