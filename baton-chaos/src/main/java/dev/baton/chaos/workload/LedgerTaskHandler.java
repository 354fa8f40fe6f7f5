package dev.baton.chaos.workload;

import dev.baton.chaos.history.LedgerEntry;
import dev.baton.tasks.TaskContext;
import dev.baton.tasks.TaskHandler;
import java.time.Duration;

/**
 * A task's work: a few ledger appends fenced by the claim, a short pause between them so that
 * faults land mid-run. The last append marks the work finished; a refused append ends the run
 * (the claim is gone, someone else owns the task).
 */
final class LedgerTaskHandler implements TaskHandler {

    static final int WRITES = 4;
    private static final Duration PAUSE = Duration.ofMillis(150);

    private final Ledger ledger;

    LedgerTaskHandler(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void run(TaskContext context) throws Exception {
        for (int seq = 0; seq < WRITES; seq++) {
            context.throwIfStopRequested();
            boolean last = seq == WRITES - 1;
            if (!ledger.append(LedgerEntry.Writer.TASK, context.id().value(), context.claimToken(), seq, last,
                    context.fence())) {
                throw new IllegalStateException("the claim of task " + context.id() + " no longer holds");
            }
            if (!last && context.awaitStop(PAUSE)) {
                context.throwIfStopRequested();
            }
        }
    }
}
