package dev.baton.cli;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.DuplicateTaskException;
import dev.baton.tasks.SubmitAllResult;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskSubmission;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

/**
 * {@code baton submit [--id ID] [--after 30s|TIME] [--timeout 60s] [--priority N] [--max-attempts N]
 * [--backoff 5s] -- CMD [ARGS...]}: prints the task id.
 * {@code baton submit --batch FILE}: submits the tasks of a JSON lines file ({@link BatchFile}) in
 * few transactions, prints how many were submitted and names the duplicates; exits 1 when any was
 * refused.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submits a command task and prints its id, or submits the tasks of a JSON lines file.",
            "The command runs without a shell; ask for one explicitly: -- sh -c 'echo $HOME'."})
final class SubmitCommand implements Callable<Integer> {
    /** Bad lines reported one by one before the rest are only counted. */
    private static final int MAX_REPORTED_PROBLEMS = 20;

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Mixin
    private TaskOptionFlags taskOptions;

    @Option(names = "--id", description = "Task id (default: task-<random>).")
    private String id;

    @Option(names = "--after", paramLabel = "DURATION|TIME",
            description = "Not before this delay (30s, 5m) or instant (2030-01-01T00:00:00Z).")
    private String after;

    @Option(names = "--batch", paramLabel = "FILE",
            description = {"Submit the tasks of a JSON lines file ('-': standard input) instead of one command: one",
                "{\"id\":\"…\",\"properties\":{…},\"notBefore\":\"<ISO instant>\",\"options\":{\"timeout\":\"PT30S\",",
                "\"priority\":5}} per line (all but id optional; options as stored with a task's spec). Bad lines are",
                "refused before anything is submitted; exits 1 when any id is taken."})
    private String batch;

    @Parameters(arity = "0..*", paramLabel = "CMD", description = "The program and its arguments.")
    private List<String> argv;

    @Override
    public Integer call() {
        boolean hasCommand = argv != null && !argv.isEmpty();
        if (batch != null) {
            if (hasCommand || id != null || after != null || !taskOptions.none()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--batch takes no CMD, --id, --after, "
                        + "--timeout, --priority, --max-attempts or --backoff: each line of the file describes its task");
            }
            return submitBatch();
        }
        if (!hasCommand) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'CMD' (or --batch FILE)");
        }
        TaskId task;
        CommandTask command;
        TaskOptions options;
        try {
            task = TaskId.of(id != null ? id : "task-" + UUID.randomUUID().toString().substring(0, 8));
            command = new CommandTask(argv, Optional.empty());
            options = taskOptions.options();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Optional<Instant> notBefore = after == null ? Optional.empty() : Optional.of(notBefore(after));
        try (Etcd etcd = store.connect()) {
            TaskClient.create(etcd, store.prefix())
                    .submit(new TaskSubmission(task, command.toProperties(), notBefore, options));
        } catch (DuplicateTaskException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        spec.commandLine().getOut().println(task.value());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private int submitBatch() {
        String source = batch.equals("-") ? "standard input" : batch;
        BatchFile.Contents contents;
        try {
            contents = readBatch();
        } catch (NoSuchFileException e) {
            throw new CommandFailure("cannot read " + source + ": no such file", e);
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + source + ": " + e, e);
        }
        if (!contents.problems().isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            String name = spec.qualifiedName();
            contents.problems().stream().limit(MAX_REPORTED_PROBLEMS).forEach(problem ->
                    err.println(name + ": " + source + " " + problem));
            if (contents.problems().size() > MAX_REPORTED_PROBLEMS) {
                err.println(name + ": " + source + ": " + (contents.problems().size() - MAX_REPORTED_PROBLEMS)
                        + " more bad lines");
            }
            err.flush();
            throw new CommandFailure(source + " has " + contents.problems().size() + " bad line"
                    + (contents.problems().size() == 1 ? "" : "s") + "; nothing was submitted");
        }
        SubmitAllResult result;
        try (Etcd etcd = store.connect()) {
            result = TaskClient.create(etcd, store.prefix()).submitAll(contents.tasks());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("submitted " + result.submitted().size() + " of " + contents.tasks().size() + " tasks");
        result.duplicates().forEach(duplicate -> out.println("duplicate " + duplicate.value()));
        out.flush();
        return result.allSubmitted() ? 0 : 1;
    }

    private BatchFile.Contents readBatch() throws IOException {
        if (batch.equals("-")) {
            return BatchFile.read(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder())));
        }
        try (BufferedReader reader = Files.newBufferedReader(Path.of(batch), StandardCharsets.UTF_8)) {
            return BatchFile.read(reader);
        }
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
