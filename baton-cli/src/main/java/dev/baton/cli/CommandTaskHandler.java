package dev.baton.cli;

import dev.baton.tasks.TaskContext;
import dev.baton.tasks.TaskHandler;

/**
 * Runs command tasks on a worker: a zero exit completes the task with its {@link CommandResult}
 * stored as the checkpoint; a non-zero exit, a timeout or an unreadable command is a fault,
 * retried by the member's retry policy, with the result as the task's last error; a stop request,
 * including the one a lost session makes, terminates the process group and leaves the task to
 * continue as the stop says.
 */
final class CommandTaskHandler implements TaskHandler {
    private final String namespace;
    private final FleetMetrics metrics;

    CommandTaskHandler(String namespace, FleetMetrics metrics) {
        this.namespace = namespace;
        this.metrics = metrics;
    }

    @Override
    public void run(TaskContext context) throws Exception {
        CommandTask task = CommandTask.from(context.properties());
        CommandResult result;
        try {
            result = CommandExecution.run(task, claim(context), context::isStopRequested);
        } catch (CommandExecution.Stopped e) {
            context.throwIfStopRequested();
            throw e;
        }
        if (!result.succeeded()) {
            metrics.failedRun();
            throw new CommandTaskFailed(result.failureMessage());
        }
        context.checkpoint(result.toJson());
        metrics.completedRun();
    }

    /** The claim's owner key is {@code <ns>tasks/<id>/owner} (docs/keyspace.md); its create revision is the token. */
    private CommandExecution.Claim claim(TaskContext context) {
        String id = context.id().value();
        return new CommandExecution.Claim(id, context.claimToken(), namespace + "tasks/" + id + "/owner");
    }

    /** A run ended with a non-zero exit or its timeout; the message is the stored last error. */
    static final class CommandTaskFailed extends Exception {
        CommandTaskFailed(String message) {
            super(message, null, false, false);
        }
    }
}
