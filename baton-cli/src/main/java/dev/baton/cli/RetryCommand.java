package dev.baton.cli;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskFormatException;
import dev.baton.tasks.TaskId;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton retry ID}: runs a failed or killed task again with the properties it was submitted
 * with ({@link TaskClient#retry}); prints the revision of the requeue.
 */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = "Runs a failed or killed task again, with a fresh retry budget; its last error is kept.")
final class RetryCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Parameters(index = "0", paramLabel = "ID")
    private String id;

    @Override
    public Integer call() {
        TaskId task;
        try {
            task = TaskId.of(id);
        } catch (TaskFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try (Etcd etcd = store.connect()) {
            long revision = TaskClient.create(etcd, store.prefix()).retry(task);
            spec.commandLine().getOut().println(revision);
        } catch (IllegalStateException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
