package dev.baton.cli;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.DuplicateTaskException;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton submit [--id ID] [--after 30s|TIME] [--timeout 60s] -- CMD [ARGS...]}: prints the task id. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submits a command task and prints its id.",
            "The command runs without a shell; ask for one explicitly: -- sh -c 'echo $HOME'."})
final class SubmitCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Option(names = "--id", description = "Task id (default: task-<random>).")
    private String id;

    @Option(names = "--after", paramLabel = "DURATION|TIME",
            description = "Not before this delay (30s, 5m) or instant (2030-01-01T00:00:00Z).")
    private String after;

    @Option(names = "--timeout", converter = DurationConverter.class,
            description = "Kill a run that takes longer and count it as a failure.")
    private Duration timeout;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The program and its arguments.")
    private List<String> argv;

    @Override
    public Integer call() {
        TaskId task;
        CommandTask command;
        try {
            task = TaskId.of(id != null ? id : "task-" + UUID.randomUUID().toString().substring(0, 8));
            command = new CommandTask(argv, Optional.ofNullable(timeout));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Optional<Instant> notBefore = after == null ? Optional.empty() : Optional.of(notBefore(after));
        try (Etcd etcd = store.connect()) {
            TaskClient client = TaskClient.create(etcd, store.prefix());
            if (notBefore.isPresent()) {
                client.submit(task, command.toProperties(), notBefore.get());
            } else {
                client.submit(task, command.toProperties());
            }
        } catch (DuplicateTaskException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        spec.commandLine().getOut().println(task.value());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private Instant notBefore(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return Instant.now().plus(DurationConverter.parse(text));
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--after expects a duration (30s, 5m) or an instant (2030-01-01T00:00:00Z), got '" + text + "'");
            }
        }
    }
}
