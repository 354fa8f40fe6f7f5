package dev.baton.cli;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.MemberCommand;
import dev.baton.tasks.NoSuchTaskException;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskCommand;
import dev.baton.tasks.TaskFormatException;
import dev.baton.tasks.TaskId;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton command member NAME freeze|unfreeze|balance|release TASK} and
 * {@code baton command task ID pause|resume|stop|kill}: stores a command for a member or a task;
 * it is applied once the member (or the task's holder) sees it.
 */
@Command(name = "command", mixinStandardHelpOptions = true,
        description = "Sends a command to a member or a task.",
        subcommands = {SendCommand.ToMember.class, SendCommand.ToTask.class})
final class SendCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand: member or task");
    }

    @Command(name = "member", mixinStandardHelpOptions = true,
            description = "freeze (stop claiming), unfreeze, balance (now), release TASK (to another member).")
    static final class ToMember implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private StoreOptions store;

        @Parameters(index = "0", paramLabel = "NAME")
        private String member;

        @Parameters(index = "1", paramLabel = "COMMAND")
        private String command;

        @Parameters(index = "2", arity = "0..1", paramLabel = "TASK")
        private String task;

        @Override
        public Integer call() {
            MemberCommand parsed = parse();
            try (Etcd etcd = store.connect()) {
                String key = TaskClient.create(etcd, store.prefix()).send(member, parsed);
                spec.commandLine().getOut().println(key);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }

        private MemberCommand parse() {
            try {
                return memberCommand(command, Optional.ofNullable(task));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    /**
     * The member command {@code name}: freeze, unfreeze, balance, or release, which alone takes
     * the {@code task} to release.
     *
     * @throws IllegalArgumentException naming the unknown command, the missing or extra task, or
     *     the task id that is not one
     */
    static MemberCommand memberCommand(String name, Optional<String> task) {
        boolean release = "release".equals(name);
        if (release != task.isPresent()) {
            throw new IllegalArgumentException(release
                    ? "release needs the task to release" : "only release takes a task, got '" + task.get() + "'");
        }
        return switch (name) {
            case "freeze" -> new MemberCommand.Freeze();
            case "unfreeze" -> new MemberCommand.Unfreeze();
            case "balance" -> new MemberCommand.Balance();
            case "release" -> new MemberCommand.Release(TaskId.of(task.get()));
            default -> throw new IllegalArgumentException(
                    "unknown member command '" + name + "'; expected freeze, unfreeze, balance or release");
        };
    }

    @Command(name = "task", mixinStandardHelpOptions = true,
            description = "pause, resume, stop (release; it runs elsewhere) or kill (ends it) a task.")
    static final class ToTask implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private StoreOptions store;

        @Parameters(index = "0", paramLabel = "ID")
        private String id;

        @Parameters(index = "1", paramLabel = "COMMAND")
        private String command;

        @Override
        public Integer call() {
            TaskId task;
            TaskCommand parsed;
            try {
                task = TaskId.of(id);
                parsed = TaskCommand.valueOf(command.toUpperCase(Locale.ROOT));
            } catch (TaskFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown task command '" + command + "'; expected pause, resume, stop or kill");
            }
            try (Etcd etcd = store.connect()) {
                String key = TaskClient.create(etcd, store.prefix()).send(task, parsed);
                spec.commandLine().getOut().println(key);
            } catch (NoSuchTaskException e) {
                throw new CommandFailure(e.getMessage(), e);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
