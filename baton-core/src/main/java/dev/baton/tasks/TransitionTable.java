package dev.baton.tasks;

import static dev.baton.tasks.TaskStatus.COMPLETED;
import static dev.baton.tasks.TaskStatus.FAILED;
import static dev.baton.tasks.TaskStatus.FAULT;
import static dev.baton.tasks.TaskStatus.KILLED;
import static dev.baton.tasks.TaskStatus.PAUSED;
import static dev.baton.tasks.TaskStatus.RUNNABLE;
import static dev.baton.tasks.TaskStatus.SLEEPING;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The transition table of the package documentation, as data: for each status, the status
 * each message kind leads to, or {@code null} where the message is refused. Columns follow
 * {@link TaskMessage.Kind} order. The one refinement applied elsewhere is the retry policy's:
 * an ERROR that exhausts the attempts leads to FAILED instead of FAULT.
 */
final class TransitionTable {

    private static final TaskStatus NO = null;

    private static final Map<TaskStatus, TaskStatus[]> TABLE = new EnumMap<>(TaskStatus.class);

    static {
        //                RUN       PAUSE   SLEEP     RELEASE   ERROR  COMPLETE   KILL    CHECKPOINT
        row(RUNNABLE,     NO,       PAUSED, SLEEPING, RUNNABLE, FAULT, COMPLETED, KILLED, RUNNABLE);
        row(PAUSED,       RUNNABLE, NO,     NO,       PAUSED,   NO,    NO,        KILLED, NO);
        row(SLEEPING,     RUNNABLE, PAUSED, NO,       SLEEPING, NO,    NO,        KILLED, NO);
        row(FAULT,        RUNNABLE, PAUSED, NO,       FAULT,    NO,    NO,        KILLED, NO);
        row(COMPLETED,    NO,       NO,     NO,       NO,       NO,    NO,        NO,     NO);
        row(FAILED,       NO,       NO,     NO,       NO,       NO,    NO,        NO,     NO);
        row(KILLED,       NO,       NO,     NO,       NO,       NO,    NO,        NO,     NO);
    }

    private TransitionTable() {
    }

    private static void row(TaskStatus from, TaskStatus... targets) {
        if (targets.length != TaskMessage.Kind.values().length) {
            throw new IllegalStateException("row " + from + " has " + targets.length + " columns");
        }
        TABLE.put(from, targets);
    }

    /** The status {@code kind} leads to from {@code from}, or empty when it is refused. */
    static Optional<TaskStatus> target(TaskStatus from, TaskMessage.Kind kind) {
        return Optional.ofNullable(TABLE.get(from)[kind.ordinal()]);
    }
}
